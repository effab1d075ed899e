package dev.bosun.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code bosun version} found: this CLI's version, the operators on the cluster and how the
 * cluster's CRDs compare with the ones this CLI was built with; and the skew worth a warning.
 *
 * @param client this CLI's version
 * @param operators the operator Deployments found on the cluster (none when it runs outside it)
 * @param crds each of Bosun's CRDs as the cluster has it
 */
record VersionReport(String client, List<Operator> operators, List<Crd> crds) {

  /** An operator Deployment, by its {@code app.kubernetes.io/version} label. */
  record Operator(String namespace, String name, String version, int readyReplicas, int replicas) {}

  /** How the cluster's copy of a CRD compares with this CLI's. */
  enum CrdState {
    SAME,
    DIFFERENT,
    MISSING
  }

  record Crd(String name, CrdState state) {}

  /** The skew a person should hear about, each line saying what to do. */
  List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    for (Operator operator : operators) {
      if (operator.version() == null) {
        warnings.add(
            "operator "
                + operator.namespace()
                + "/"
                + operator.name()
                + " has no app.kubernetes.io/version label; its version is unknown");
      } else if (!minor(operator.version()).equals(minor(client))) {
        warnings.add(
            "operator "
                + operator.namespace()
                + "/"
                + operator.name()
                + " runs "
                + operator.version()
                + " but this CLI is "
                + client
                + ": use a CLI of the operator's minor version, or upgrade the operator");
      }
    }
    List<String> missing =
        crds.stream().filter(c -> c.state() == CrdState.MISSING).map(Crd::name).toList();
    if (!missing.isEmpty()) {
      warnings.add("CRDs not installed: " + String.join(", ", missing) + UPGRADE_CRDS);
    }
    List<String> different =
        crds.stream().filter(c -> c.state() == CrdState.DIFFERENT).map(Crd::name).toList();
    if (!different.isEmpty()) {
      warnings.add(
          "CRDs whose schema differs from this CLI's "
              + client
              + ": "
              + String.join(", ", different)
              + UPGRADE_CRDS);
    }
    return warnings;
  }

  private static final String UPGRADE_CRDS =
      " (helm upgrade does not touch CRDs: apply them with kubectl apply --server-side -f"
          + " deploy/crds/ from the release that matches the operator)";

  /** "0.1" of "0.1.0-SNAPSHOT"; the whole string when it is not a dotted version. */
  static String minor(String version) {
    String[] parts = version.split("[.-]", 3);
    return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
  }

  /** The lines of the human-readable report, warnings last. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("Client:    bosun " + client);
    if (operators.isEmpty()) {
      lines.add(
          "Operator:  no Deployment labelled app.kubernetes.io/name=bosun-operator on the cluster"
              + " (one run outside it, as `bosun dev operator` runs it, is not seen here)");
    }
    for (Operator operator : operators) {
      lines.add(
          "Operator:  "
              + Optional.ofNullable(operator.version()).orElse("unknown")
              + " ("
              + operator.namespace()
              + "/"
              + operator.name()
              + ", "
              + operator.readyReplicas()
              + "/"
              + operator.replicas()
              + " ready)");
    }
    long same = crds.stream().filter(c -> c.state() == CrdState.SAME).count();
    lines.add(
        "CRDs:      "
            + same
            + " of "
            + crds.size()
            + (same == crds.size() ? " as this CLI has them" : " as this CLI has them; see below"));
    warnings().forEach(w -> lines.add("warning: " + w));
    return lines;
  }
}

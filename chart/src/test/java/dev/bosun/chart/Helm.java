package dev.bosun.chart;

import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.ToolBinary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Helm CLI that {@code hack/build-tools.sh helm} builds, run on the chart in this checkout. Its
 * home is under {@code target/}, so no user's repositories or plugins take part.
 */
record Helm(Cli cli) {

  /** The chart, relative to this module. */
  static final Path CHART = Path.of("../deploy/helm/bosun");

  /** Digests that name no image, for rendering and linting (the chart requires some). */
  static final Path LINT_VALUES = CHART.resolve("ci/lint-values.yaml");

  static final String KUBERNETES_VERSION = K8sBinaries.KUBERNETES_VERSION;

  static Helm find() {
    Path binary = ToolBinary.HELM.ensureBuilt(line -> System.err.println("[build-tools] " + line));
    Path home = Path.of("target/helm-home").toAbsolutePath();
    return new Helm(
        new Cli(
            binary,
            Map.of(
                "HELM_CONFIG_HOME", home.resolve("config").toString(),
                "HELM_CACHE_HOME", home.resolve("cache").toString(),
                "HELM_DATA_HOME", home.resolve("data").toString())));
  }

  /** This Helm, working on the cluster of {@code kubeconfig}. */
  Helm on(Path kubeconfig) {
    return new Helm(cli.withKubeconfig(kubeconfig));
  }

  Cli.Result run(String... arguments) {
    return cli.run(arguments);
  }

  Cli.Result run(List<String> arguments) {
    return cli.run(arguments);
  }

  /** {@code helm template} of the chart with the lint digests and {@code extra} arguments. */
  Cli.Result render(String... extra) {
    var arguments =
        new ArrayList<>(
            List.of(
                "template",
                "bosun",
                CHART.toString(),
                "-f",
                LINT_VALUES.toString(),
                // Without a cluster Helm assumes an old Kubernetes, which the chart refuses.
                "--kube-version",
                KUBERNETES_VERSION));
    arguments.addAll(List.of(extra));
    return cli.run(arguments);
  }

  /** The objects {@link #render} makes, as YAML; fails when Helm does. */
  String template(String... extra) {
    return render(extra).orThrow().output();
  }
}

package dev.bosun.operator.client;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.GateReport;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadScaling;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.compiler.Labels;
import dev.bosun.compiler.Names;
import dev.bosun.operator.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What {@code bosun deploy}, {@code status}, {@code promote} and {@code delete} do against a
 * cluster that runs the operator. Workloads are written with server-side apply under the CLI's own
 * field manager; everything else is the operator's.
 */
public final class WorkloadClient {
  public static final String FIELD_MANAGER = "bosun-cli";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final KubernetesClient client;

  public WorkloadClient(KubernetesClient client) {
    this.client = client;
  }

  /** The Environment named {@code name}, or a UserError that lists the ones that exist. */
  public Environment environment(String name) {
    Environment environment = client.resources(Environment.class).withName(name).get();
    if (environment == null) {
      String known =
          client.resources(Environment.class).list().getItems().stream()
              .map(e -> e.getMetadata().getName())
              .sorted()
              .collect(Collectors.joining(", "));
      throw new UserError(
          "--env: environment \""
              + name
              + "\" does not exist"
              + (known.isEmpty()
                  ? " (no Environment exists in this cluster)"
                  : " (there are: " + known + ")"));
    }
    return environment;
  }

  /** Applies the Workload into the Environment's namespace and returns it as stored. */
  public Workload deploy(Workload workload, String environmentName) {
    return deploy(workload, environmentName, false);
  }

  /**
   * {@link #deploy(Workload, String)}, or with {@code dryRun} a server-side dry run: admission,
   * RBAC and the CRD's schema judge it, and nothing is stored.
   */
  public Workload deploy(Workload workload, String environmentName, boolean dryRun) {
    String namespace = environment(environmentName).getSpec().namespace();
    var copy = new Workload();
    copy.setMetadata(
        new ObjectMetaBuilder()
            .withName(workload.getMetadata().getName())
            .withNamespace(namespace)
            .withLabels(workload.getMetadata().getLabels())
            .withAnnotations(workload.getMetadata().getAnnotations())
            .build());
    copy.setSpec(workload.getSpec());
    return client
        .resource(copy)
        .dryRun(dryRun)
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  /** How a wait ended. */
  public enum Outcome {
    READY,
    DEGRADED,
    TIMED_OUT
  }

  /**
   * Follows the Workload until the operator reports it Ready, or Degraded, for its current
   * generation; each change of its conditions goes to {@code progress}.
   */
  public Outcome await(String namespace, String name, Duration timeout, Consumer<String> progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    var resource = client.resources(Workload.class).inNamespace(namespace).withName(name);
    while (System.nanoTime() < deadline) {
      Workload workload = resource.get();
      if (workload == null) {
        throw new UserError("workload " + namespace + "/" + name + " was deleted while waiting");
      }
      var status = workload.getStatus();
      boolean current =
          status != null
              && Objects.equals(
                  status.observedGeneration(), workload.getMetadata().getGeneration());
      if (current) {
        String line = summary(status.conditions());
        if (!line.equals(last)) {
          progress.accept(line);
          last = line;
        }
        if (Conditions.isTrue(status.conditions(), ConditionTypes.READY)) {
          return Outcome.READY;
        }
        Condition degraded = Conditions.find(status.conditions(), ConditionTypes.DEGRADED);
        // Unschedulable and quota problems can clear on their own; the spec and a missing tier
        // cannot.
        if (degraded != null
            && "True".equals(degraded.status())
            && Set.of(Reasons.INVALID_SPEC, Reasons.TIER_NOT_FOUND, Reasons.JOB_FAILED)
                .contains(degraded.reason())) {
          return Outcome.DEGRADED;
        }
      }
      // Sleeps on a watch until the Workload changes (at most a few seconds, to honour the
      // deadline).
      try {
        resource.waitUntilCondition(
            w ->
                w == null
                    || !Objects.equals(
                        w.getMetadata().getResourceVersion(),
                        workload.getMetadata().getResourceVersion()),
            Math.min(5, Math.max(1, remainingSeconds(deadline))),
            TimeUnit.SECONDS);
      } catch (KubernetesClientTimeoutException unchanged) {
        // Nothing changed: look again.
      }
    }
    return Outcome.TIMED_OUT;
  }

  private static long remainingSeconds(long deadline) {
    return Duration.ofNanos(deadline - System.nanoTime()).toSeconds();
  }

  static String summary(List<Condition> conditions) {
    if (conditions == null) {
      return "waiting for the operator";
    }
    return conditions.stream()
        .map(
            c ->
                c.type()
                    + "="
                    + c.status()
                    + (c.reason() == null ? "" : " (" + c.reason() + ")")
                    + (c.message() == null
                            || "False".equals(c.status()) && !c.type().equals(ConditionTypes.READY)
                        ? ""
                        : ": " + c.message()))
        .collect(Collectors.joining("; "));
  }

  /** One line of {@code bosun status}. */
  public record Row(
      String workload,
      String namespace,
      String environment,
      String tier,
      String ready,
      int gpus,
      List<String> nodes,
      WorkloadScaling scaling,
      List<Condition> conditions,
      GateReport gates) {}

  /** Workloads in {@code namespace} (every namespace when null), or the one named. */
  public List<Row> status(String namespace, String name) {
    List<Workload> workloads;
    if (name != null) {
      var found =
          namespace == null
              ? client.resources(Workload.class).inAnyNamespace().list().getItems().stream()
                  .filter(w -> w.getMetadata().getName().equals(name))
                  .toList()
              : Optional.ofNullable(
                      client.resources(Workload.class).inNamespace(namespace).withName(name).get())
                  .stream()
                  .toList();
      if (found.isEmpty()) {
        throw new UserError(
            "workload \""
                + name
                + "\" does not exist"
                + (namespace == null ? "" : " in namespace " + namespace));
      }
      workloads = found;
    } else {
      workloads =
          namespace == null
              ? client.resources(Workload.class).inAnyNamespace().list().getItems()
              : client.resources(Workload.class).inNamespace(namespace).list().getItems();
    }
    Map<String, Tier> tiers =
        client.resources(Tier.class).list(WatchCache.asItStands()).getItems().stream()
            .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
    List<Row> rows = new ArrayList<>();
    for (Workload w :
        workloads.stream()
            .sorted(
                Comparator.comparing((Workload w) -> w.getMetadata().getNamespace())
                    .thenComparing(w -> w.getMetadata().getName()))
            .toList()) {
      var status = w.getStatus();
      List<Pod> pods = pods(w);
      Tier tier = tiers.get(w.getSpec().size());
      int gpusPerPod =
          tier == null || tier.getSpec().gpu() == null ? 0 : tier.getSpec().gpu().count();
      List<Pod> placed = pods.stream().filter(p -> p.getSpec().getNodeName() != null).toList();
      String ready =
          status == null
              ? "-"
              : status.desiredReplicas() != null
                  ? nz(status.readyReplicas()) + "/" + status.desiredReplicas()
                  : status.completions() != null
                      ? nz(status.succeeded()) + "/" + status.completions() + " done"
                      : "-";
      rows.add(
          new Row(
              w.getMetadata().getName(),
              w.getMetadata().getNamespace(),
              status == null ? null : status.environment(),
              w.getSpec().size(),
              ready,
              gpusPerPod * placed.size(),
              placed.stream()
                  .map(p -> p.getSpec().getNodeName())
                  .collect(Collectors.toCollection(TreeSet::new))
                  .stream()
                  .toList(),
              status == null ? null : status.scaling(),
              status == null ? List.of() : status.conditions(),
              status == null ? null : status.gates()));
    }
    return rows;
  }

  /**
   * How a Workload scales, in one cell: signal, value read / target, replicas now → wanted, and the
   * range, such as {@code requestsWaiting 2.5/4 3→5 [1-8]}.
   */
  public static String scalingCell(WorkloadScaling scaling) {
    if (scaling == null) {
      return "-";
    }
    String replicas =
        scaling.currentReplicas() == null
            ? ""
            : " "
                + scaling.currentReplicas()
                + (Objects.equals(scaling.currentReplicas(), scaling.desiredReplicas())
                        || scaling.desiredReplicas() == null
                    ? ""
                    : "→" + scaling.desiredReplicas());
    return scaling.metric()
        + " "
        + (scaling.current() == null ? "?" : scaling.current())
        + "/"
        + scaling.target()
        + replicas
        + " ["
        + scaling.minReplicas()
        + "-"
        + scaling.maxReplicas()
        + "]";
  }

  /**
   * The last gates' report in one cell: {@code passed→production}, or {@code failed→production
   * (PartialOutage)} naming the gates that failed; {@code -} when none ran.
   */
  public static String gatesCell(GateReport gates) {
    if (gates == null) {
      return "-";
    }
    if (Boolean.TRUE.equals(gates.passed())) {
      return "passed→" + gates.targetEnvironment();
    }
    return "failed→"
        + gates.targetEnvironment()
        + " ("
        + (gates.results() == null
            ? ""
            : gates.results().stream()
                .filter(r -> Boolean.FALSE.equals(r.passed()))
                .map(r -> r.name())
                .collect(Collectors.joining(",")))
        + ")";
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }

  /** The Workload's pods that are not being deleted. */
  List<Pod> pods(Workload workload) {
    String owner = workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
    return client
        .pods()
        .inNamespace(workload.getMetadata().getNamespace())
        .withLabel(Labels.WORKLOAD, Names.labelValue(workload.getMetadata().getName()))
        .list(WatchCache.asItStands())
        .getItems()
        .stream()
        .filter(p -> owner.equals(p.getMetadata().getAnnotations().get(Labels.WORKLOAD_ANNOTATION)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /**
   * A Workload ready to be promoted: Ready in its Environment, with the image it would be promoted
   * with, and the Environment it would go to.
   */
  public record Candidate(Workload workload, Environment target, String image) {}

  /**
   * The Workload {@code name} in Environment {@code from}, checked for promotion to {@code to}:
   * refused unless {@code to} promotes from {@code from}, the Workload is Ready for its current
   * generation, and one image digest is known (the spec's, else the one its pods run).
   */
  public Candidate candidate(String name, String from, String to) {
    Environment source = environment(from);
    Environment target = environment(to);
    if (target.getSpec().promotesFrom() != null && !target.getSpec().promotesFrom().equals(from)) {
      throw new UserError(
          "--from: environment "
              + to
              + " promotes from "
              + target.getSpec().promotesFrom()
              + ", not "
              + from);
    }
    String namespace = source.getSpec().namespace();
    Workload workload =
        client.resources(Workload.class).inNamespace(namespace).withName(name).get();
    if (workload == null) {
      throw new UserError(
          "workload \"" + name + "\" does not exist in " + from + " (namespace " + namespace + ")");
    }
    var status = workload.getStatus();
    if (status == null
        || !Objects.equals(status.observedGeneration(), workload.getMetadata().getGeneration())
        || !Conditions.isTrue(status.conditions(), ConditionTypes.READY)) {
      throw new UserError(
          "workload "
              + name
              + " is not Ready in "
              + from
              + ", so it is not promoted: "
              + (status == null
                  ? "the operator has not reported on it yet"
                  : summary(status.conditions())));
    }
    return new Candidate(
        workload, target, pinnedImage(workload.getSpec().image(), runningDigests(workload), from));
  }

  /** A promotion: the Workload as stored where it went, and the gates' report (null: none). */
  public record Promotion(Workload promoted, GateReport gates) {}

  /**
   * Copies a Workload from one Environment to another with its image pinned to its digest, once the
   * target Environment's promotion gates pass against it where it runs ({@link
   * PromotionGateRunner}); refuses unless the first reports it Ready, and with {@link GatesFailed}
   * naming the failed gate and its evidence.
   *
   * @param router the router's base URL; needed only when the target has gates
   * @param progress the gates' progress, a line at a time
   */
  public Promotion promote(
      String name, String from, String to, URI router, Consumer<String> progress) {
    Candidate candidate = candidate(name, from, to);
    GateReport report = null;
    if (candidate.target().getSpec().gatesOrNone().any()) {
      if (router == null) {
        throw new UserError(
            "environment "
                + to
                + " has promotion gates, which send requests through the router, and no router"
                + " is known: pass --router URL (`bosun dev router` starts one on the local"
                + " cluster and writes its URL to <home>/router-url)");
      }
      report = PromotionGateRunner.run(client, router, candidate, progress);
      if (!Boolean.TRUE.equals(report.passed())) {
        throw new GatesFailed(
            "workload "
                + name
                + " is not promoted to "
                + to
                + ": its promotion gates failed in "
                + from
                + "\n"
                + GateEvaluation.failures(report.results()),
            report);
      }
    }
    var promoted = new Workload();
    promoted.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withLabels(candidate.workload().getMetadata().getLabels())
            .build());
    promoted.setSpec(
        new WorkloadSpecBuilder(candidate.workload().getSpec())
            .withImage(candidate.image())
            .build());
    return new Promotion(deploy(promoted, to), report);
  }

  /** {@link #promote(String, String, String, URI, Consumer)} for a target without gates. */
  public Workload promote(String name, String from, String to) {
    return promote(name, from, to, null, line -> {}).promoted();
  }

  private Set<String> runningDigests(Workload workload) {
    Set<String> digests = new TreeSet<>();
    for (Pod pod : pods(workload)) {
      if (pod.getStatus() == null) {
        continue;
      }
      pod.getStatus().getContainerStatuses().stream()
          .filter(c -> c.getImageID() != null)
          .map(c -> DIGEST.matcher(c.getImageID()))
          .filter(Matcher::find)
          .forEach(m -> digests.add(m.group()));
    }
    return digests;
  }

  /**
   * The image as it is when the spec already pins a digest (the pods can only run that one), else
   * {@code repository@digest} for the one digest the pods run.
   */
  static String pinnedImage(String image, Set<String> digests, String from) {
    if (pinsDigest(image)) {
      return image;
    }
    if (digests.isEmpty()) {
      throw new UserError(
          "no pod of the workload in "
              + from
              + " reports an image digest (status.containerStatuses[].imageID) for the tag "
              + image
              + "; nothing to pin (pin the image by digest, @sha256:..., to promote it as is)");
    }
    if (digests.size() > 1) {
      throw new UserError(
          "the pods in "
              + from
              + " run different images "
              + digests
              + "; wait for the rollout to finish");
    }
    return repository(image) + "@" + digests.iterator().next();
  }

  /** Whether {@code image} names its content by digest ({@code ...@sha256:<64 hex>}). */
  static boolean pinsDigest(String image) {
    int at = image.indexOf('@');
    return at > 0 && DIGEST.matcher(image.substring(at + 1)).matches();
  }

  /**
   * The image without its tag or digest: registry.example.com:5000/acme/chat from
   * ...chat:1.2@sha256:...
   */
  static String repository(String image) {
    String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
  }

  /** Deletes the Workload from the Environment; the garbage collector removes what it owned. */
  public void delete(String name, String environmentName) {
    String namespace = environment(environmentName).getSpec().namespace();
    var resource = client.resources(Workload.class).inNamespace(namespace).withName(name);
    if (resource.get() == null) {
      throw new UserError(
          "workload \""
              + name
              + "\" does not exist in "
              + environmentName
              + " (namespace "
              + namespace
              + ")");
    }
    resource.delete();
  }
}

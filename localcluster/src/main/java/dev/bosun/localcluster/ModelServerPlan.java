package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which pods get a stand-in model server, and on which endpoint: pure decisions over the pod, for
 * {@link ModelServers}. A pod of an Inference Workload is labelled as the compiler labels it:
 * {@link Scaling#WORKLOAD_LABEL} with the Workload's name and {@link Scaling#COMPONENT_LABEL}
 * {@value #INFERENCE}.
 */
public final class ModelServerPlan {

  /** The value of {@link Scaling#COMPONENT_LABEL} on an Inference Workload's objects. */
  public static final String INFERENCE = WorkloadType.Inference.name().toLowerCase(Locale.ROOT);

  private ModelServerPlan() {}

  /**
   * The pod annotation KWOK reads as each of the pod's containers' CPU usage (a quantity such as
   * {@code 1500m}; {@code kwok-metrics.yaml}), the convention of KWOK's own examples.
   */
  public static final String CPU_USAGE_ANNOTATION = "kwok.x-k8s.io/usage-cpu";

  /**
   * One replica of an Inference Workload, served as a model named after the Workload.
   *
   * @param model the Workload's name as its pods' label carries it: the served model's name
   * @param cpuRequestMillis the CPU its containers request together, in millicores
   * @param containers how many containers it has, each of which KWOK gives the annotated usage
   * @param behaviour how its stand-in behaves, from the pod's {@value StandInBehaviour#ENV}
   */
  public record Replica(
      String podUid,
      String namespace,
      String podName,
      String model,
      PodEndpoint endpoint,
      long cpuRequestMillis,
      int containers,
      StandInBehaviour behaviour)
      implements StandInServers.Plan {

    /**
     * The value of {@link #CPU_USAGE_ANNOTATION} for a replica whose slots are {@code busyFraction}
     * busy: that share of the pod's CPU request, split evenly over its containers, so that the
     * pod's CPU utilisation (usage over request, what an HPA on cpu reads) is the busy fraction.
     */
    public String cpuUsage(double busyFraction) {
      long perContainer = Math.round(busyFraction * cpuRequestMillis / Math.max(1, containers));
      return perContainer + "m";
    }
  }

  /** The pods that may be replicas: those of a Workload labelled Inference. */
  public static LabelSelector selector() {
    return new LabelSelectorBuilder()
        .withMatchLabels(Map.of(Scaling.COMPONENT_LABEL, INFERENCE))
        .addNewMatchExpression()
        .withKey(Scaling.WORKLOAD_LABEL)
        .withOperator("Exists")
        .endMatchExpression()
        .build();
  }

  /**
   * The replica a pod of an Inference Workload that runs with an IP stands for, on its first
   * container's first port; empty for any other pod, or one not Running, without an IP yet, or
   * being deleted.
   */
  public static Optional<Replica> of(Pod pod) {
    var metadata = pod.getMetadata();
    var labels = metadata.getLabels() == null ? Map.<String, String>of() : metadata.getLabels();
    String workload = labels.get(Scaling.WORKLOAD_LABEL);
    if (workload == null || !INFERENCE.equals(labels.get(Scaling.COMPONENT_LABEL))) {
      return Optional.empty();
    }
    return StandInPlan.runningEndpoint(pod)
        .map(
            endpoint ->
                new Replica(
                    metadata.getUid(),
                    metadata.getNamespace(),
                    metadata.getName(),
                    workload,
                    endpoint,
                    cpuRequestMillis(pod),
                    pod.getSpec().getContainers().size(),
                    StandInBehaviour.of(pod)));
  }

  /** The CPU the pod's containers request together, in millicores (0 where none is requested). */
  static long cpuRequestMillis(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .map(Container::getResources)
        .filter(resources -> resources != null && resources.getRequests() != null)
        .map(resources -> resources.getRequests().get("cpu"))
        .filter(Objects::nonNull)
        .mapToLong(
            cpu ->
                cpu.getNumericalAmount()
                    .multiply(BigDecimal.valueOf(1000))
                    .setScale(0, RoundingMode.HALF_UP)
                    .longValueExact())
        .sum();
  }
}

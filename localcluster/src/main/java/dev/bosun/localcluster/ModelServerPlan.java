package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Locale;
import java.util.Map;
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
   * One replica of an Inference Workload, served as a model named after the Workload.
   *
   * @param model the Workload's name as its pods' label carries it: the served model's name
   */
  public record Replica(
      String podUid, String namespace, String podName, String model, PodEndpoint endpoint)
      implements StandInServers.Plan {}

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
                    endpoint));
  }
}

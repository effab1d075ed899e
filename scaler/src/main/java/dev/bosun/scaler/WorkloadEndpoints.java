package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Comparator;
import java.util.List;

/** Which pods of a Workload serve: the decision, apart from the informers that feed it. */
public final class WorkloadEndpoints {
  private WorkloadEndpoints() {}

  /** Whether requests and scrapes go to the Workload: a Service or Inference with a port. */
  public static boolean serving(Workload workload) {
    return workload != null
        && workload.getSpec() != null
        && workload.getSpec().type() != null
        && workload.getSpec().type().isServing()
        && workload.getSpec().port() != null;
  }

  /**
   * The Ready pods' addresses at the Workload's port, in a stable order (by pod name): a pod not
   * being deleted, with an IP and the condition Ready=True.
   */
  public static List<PodAddress> ready(Workload workload, List<Pod> pods) {
    return readyPods(workload, pods).stream().map(ReadyPod::address).toList();
  }

  /** The Ready pods as {@link #ready} chooses them, with their names and nodes. */
  public static List<ReadyPod> readyPods(Workload workload, List<Pod> pods) {
    if (!serving(workload)) return List.of();
    int port = workload.getSpec().port();
    return pods.stream()
        .filter(WorkloadEndpoints::ready)
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(
            p ->
                new ReadyPod(
                    new PodKey(p.getMetadata().getNamespace(), p.getMetadata().getName()),
                    p.getSpec() == null ? null : p.getSpec().getNodeName(),
                    new PodAddress(p.getStatus().getPodIP(), port)))
        .toList();
  }

  /** A pod that serves: not being deleted, with an IP and the condition Ready=True. */
  static boolean ready(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) return false;
    String ip = pod.getStatus().getPodIP();
    if (ip == null || ip.isEmpty() || pod.getStatus().getConditions() == null) return false;
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) return "True".equals(condition.getStatus());
    }
    return false;
  }
}

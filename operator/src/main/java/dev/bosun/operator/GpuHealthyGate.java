package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodResourceClaimStatus;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Keeps the {@code bosun.dev/gpu-healthy} readiness gate of GPU pods as {@link GpuGate} judges it
 * from their node's {@link GpuNodeHealth}: a pod with a readiness gate is Ready only when the
 * gate's condition is True, so a pod whose GPU fails leaves its Service's endpoints at once.
 */
final class GpuHealthyGate {
  private static final int REMEMBERED = 10_000;

  private final KubernetesClient client;

  /**
   * The gate this process last wrote on each pod (by uid), with the resourceVersion the write
   * returned. Until the cache holds that version its pod does not show the write, and the same gate
   * is not written twice. Bounded: a forgotten write costs at most one more.
   */
  private final Map<String, Written> written = Remembered.atMost(REMEMBERED);

  /**
   * A pod is judged and written by one caller at a time (locks striped by uid), while other pods'
   * gates go ahead: a fault's gate does not wait behind another pod's write.
   */
  private final Object[] podLocks = Stream.generate(Object::new).limit(64).toArray();

  private record Written(long resourceVersion, PodCondition gate) {}

  GpuHealthyGate(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Sets the gate of every placed pod whose gate says something else than its node's report.
   *
   * <p>A Workload's reconciliation and a fault report's prompt path may judge the same pod at once:
   * each takes the pod's lock and then reads the report from the cache, so a gate is never set from
   * an older report after a newer one.
   *
   * @param healthOf the report of a node by name, or null when no agent reports it
   * @param claimOf a pod's ResourceClaim by namespace and name, or null when not (yet) known
   */
  void follow(
      Collection<Pod> pods,
      Function<String, GpuNodeHealth> healthOf,
      Function<ResourceID, ResourceClaim> claimOf) {
    for (Pod pod : pods) {
      String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      // An unplaced pod is judged once placed: its update wakes the Workload while the gate is
      // unset.
      if (nodeName == null
          || pod.getMetadata().getDeletionTimestamp() != null
          || !ChildChanges.hasGate(pod)) {
        continue;
      }
      synchronized (
          podLocks[Math.floorMod(pod.getMetadata().getUid().hashCode(), podLocks.length)]) {
        judge(pod, nodeName, healthOf.apply(nodeName), claimOf);
      }
    }
  }

  private void judge(
      Pod pod, String nodeName, GpuNodeHealth health, Function<ResourceID, ResourceClaim> claimOf) {
    // Which GPUs the pod holds matters only when the node reports a fault.
    List<String> devices =
        GpuGate.reportsFault(health)
            ? GpuGate.devicesOn(nodeName, claimsOf(pod, claimOf))
            : List.of();
    GpuGate.Verdict verdict = GpuGate.judge(nodeName, devices, health);
    PodCondition gate = lastWritten(pod).or(() -> ChildChanges.gate(pod)).orElse(null);
    if (gate == null
        || !verdict.status().equals(gate.getStatus())
        || !Objects.equals(verdict.reason(), gate.getReason())
        || !Objects.equals(verdict.message(), gate.getMessage())) {
      patch(pod, verdict, gate);
    }
  }

  /** What this process wrote on the pod that its cached copy does not show yet. */
  private Optional<PodCondition> lastWritten(Pod pod) {
    Written write = written.get(pod.getMetadata().getUid());
    if (write == null) {
      return Optional.empty();
    }
    if (resourceVersion(pod) >= write.resourceVersion()) {
      written.remove(pod.getMetadata().getUid());
      return Optional.empty();
    }
    return Optional.of(write.gate());
  }

  /** The API server's resourceVersion as the number it is (etcd's revision); 0 if it is not. */
  private static long resourceVersion(Pod pod) {
    try {
      return Long.parseLong(pod.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static List<ResourceClaim> claimsOf(
      Pod pod, Function<ResourceID, ResourceClaim> claimOf) {
    List<PodResourceClaimStatus> statuses =
        pod.getStatus() == null ? List.of() : pod.getStatus().getResourceClaimStatuses();
    return statuses.stream()
        .map(PodResourceClaimStatus::getResourceClaimName)
        .filter(Objects::nonNull)
        .map(name -> claimOf.apply(new ResourceID(name, pod.getMetadata().getNamespace())))
        .filter(Objects::nonNull)
        .toList();
  }

  private void patch(Pod pod, GpuGate.Verdict verdict, PodCondition before) {
    // The transition time moves only with the status, as for any condition.
    String since =
        before != null && verdict.status().equals(before.getStatus())
            ? before.getLastTransitionTime()
            : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    PodCondition gate =
        new PodConditionBuilder()
            .withType(ConditionTypes.GPU_HEALTHY_GATE)
            .withStatus(verdict.status())
            .withReason(verdict.reason())
            .withMessage(verdict.message())
            .withLastTransitionTime(since)
            .build();
    // A strategic merge patch merges pod conditions by type, leaving the kubelet's alone.
    String patch = Serialization.asJson(Map.of("status", Map.of("conditions", List.of(gate))));
    try {
      // Patching through resource(...) with the pod in hand: fabric8 would otherwise GET it
      // first, and the operator needs no get on pods besides this.
      Pod target =
          new PodBuilder()
              .withNewMetadata()
              .withName(pod.getMetadata().getName())
              .withNamespace(pod.getMetadata().getNamespace())
              .endMetadata()
              .build();
      Pod patched =
          client
              .pods()
              .resource(target)
              .subresource("status")
              .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
      written.put(pod.getMetadata().getUid(), new Written(resourceVersion(patched), gate));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) { // a pod deleted meanwhile needs no gate
        throw e;
      }
    }
  }
}

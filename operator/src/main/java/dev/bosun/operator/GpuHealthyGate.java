package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * Sets the {@code bosun.dev/gpu-healthy} readiness gate of GPU pods to True. A pod with a readiness
 * gate is Ready only when the gate's condition is True; until GPU remediation judges the GPUs, the
 * operator vouches for them so that GPU pods can serve at all.
 */
final class GpuHealthyGate {
  private final KubernetesClient client;

  GpuHealthyGate(KubernetesClient client) {
    this.client = client;
  }

  void open(Collection<Pod> pods) {
    for (Pod pod : pods) {
      if (ChildChanges.gateToOpen(pod)) {
        // A strategic merge patch merges pod conditions by type, leaving the kubelet's alone.
        String patch =
            """
            {"status":{"conditions":[{"type":"%s","status":"True","reason":"%s",\
            "message":"Bosun GPU remediation is not running; the GPUs are assumed healthy","lastTransitionTime":"%s"}]}}"""
                .formatted(
                    ConditionTypes.GPU_HEALTHY_GATE,
                    Reasons.NO_GPU_HEALTH_REPORTED,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
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
          client
              .pods()
              .resource(target)
              .subresource("status")
              .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) { // a pod deleted meanwhile needs no gate
            throw e;
          }
        }
      }
    }
  }
}

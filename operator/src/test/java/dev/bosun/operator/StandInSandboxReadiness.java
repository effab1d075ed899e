package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * TEMPORARY, until the Sandbox reconciler (branch sbx-core) is merged: stands in for it by writing
 * Ready True into the status of every Sandbox of a namespace, so that the warm pool and claim
 * reconcilers can be tested. Remove it, and its uses in {@link SandboxWarmPoolIT}, once the real
 * reconciler makes sandboxes Ready.
 */
final class StandInSandboxReadiness implements AutoCloseable {
  private final SharedIndexInformer<Sandbox> informer;

  private StandInSandboxReadiness(SharedIndexInformer<Sandbox> informer) {
    this.informer = informer;
  }

  static StandInSandboxReadiness start(KubernetesClient client, String namespace) {
    var informer =
        client
            .resources(Sandbox.class)
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Sandbox sandbox) {
                    makeReady(client, sandbox);
                  }

                  @Override
                  public void onUpdate(Sandbox before, Sandbox now) {
                    makeReady(client, now);
                  }

                  @Override
                  public void onDelete(Sandbox sandbox, boolean unknownState) {}
                });
    return new StandInSandboxReadiness(informer);
  }

  private static void makeReady(KubernetesClient client, Sandbox sandbox) {
    if (sandbox.getStatus() != null
        && Conditions.isTrue(sandbox.getStatus().conditions(), ConditionTypes.READY)) {
      return;
    }
    var ready =
        new Condition(
            ConditionTypes.READY,
            "True",
            sandbox.getMetadata().getGeneration(),
            Instant.now().toString(),
            Reasons.SANDBOX_READY,
            "stand-in: no Sandbox reconciler yet");
    try {
      client
          .resources(Sandbox.class)
          .inNamespace(sandbox.getMetadata().getNamespace())
          .withName(sandbox.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("status", Map.of("conditions", List.of(ready)))));
    } catch (KubernetesClientException e) {
      // Gone meanwhile: nothing to make ready.
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}

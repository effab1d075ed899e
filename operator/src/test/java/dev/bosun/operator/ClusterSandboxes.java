package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/** Sandboxes on the local cluster, for the integration tests. */
final class ClusterSandboxes {
  static final Duration CONVERGE = Duration.ofSeconds(60);
  static final String PSS_ENFORCE = "pod-security.kubernetes.io/enforce";
  static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

  private ClusterSandboxes() {}

  /**
   * The test's namespace enforces the restricted standard, and the cluster has the sandbox
   * RuntimeClass (deploy/sandbox/ ships it once branch sbx-local is merged; until then it is made
   * here).
   */
  static void prepare(KubernetesClient client, String namespace) {
    client
        .namespaces()
        .withName(namespace)
        .edit(
            n -> {
              n.getMetadata().getLabels().put(PSS_ENFORCE, "restricted");
              n.getMetadata().getLabels().put(PSS_ENFORCE + "-version", "latest");
              return n;
            });
    if (client.resources(RuntimeClass.class).withName(Sandboxes.RUNTIME_CLASS).get() == null) {
      client
          .resource(
              new RuntimeClassBuilder()
                  .withNewMetadata()
                  .withName(Sandboxes.RUNTIME_CLASS)
                  .endMetadata()
                  .withHandler(Sandboxes.RUNTIME_HANDLER)
                  .build())
          .create();
    }
  }

  static SandboxTemplate template(
      KubernetesClient client, String name, SandboxLifecycle lifecycle) {
    return client.resource(SandboxFixtures.template(name, "cpu-s", lifecycle)).create();
  }

  /**
   * A Sandbox, and, while the cluster has no default StorageClass (the local volume provisioner
   * comes with branch sbx-local), a PersistentVolume bound in advance to its memory claim, so that
   * its pod can be scheduled.
   */
  static Sandbox sandbox(
      KubernetesClient client,
      String namespace,
      String name,
      String template,
      SandboxLifecycle lifecycle) {
    if (!hasDefaultStorageClass(client)) {
      client
          .persistentVolumes()
          .resource(
              new PersistentVolumeBuilder()
                  .withNewMetadata()
                  .withName(namespace + "-" + name)
                  .endMetadata()
                  .withNewSpec()
                  .withCapacity(Map.of("storage", new Quantity(Sandboxes.DEFAULT_MEMORY_SIZE)))
                  .withAccessModes("ReadWriteOnce")
                  .withPersistentVolumeReclaimPolicy("Delete")
                  .withNewHostPath()
                  .withPath("/tmp/bosun-sandbox-it/" + namespace + "/" + name)
                  .endHostPath()
                  .withNewClaimRef()
                  .withNamespace(namespace)
                  .withName(Sandboxes.volumeClaimName(name))
                  .endClaimRef()
                  .endSpec()
                  .build())
          .create();
    }
    return client.resource(SandboxFixtures.sandbox(name, template, lifecycle)).create();
  }

  static boolean hasDefaultStorageClass(KubernetesClient client) {
    return client.storage().v1().storageClasses().list().getItems().stream()
        .map(StorageClass::getMetadata)
        .anyMatch(
            m ->
                m.getAnnotations() != null && "true".equals(m.getAnnotations().get(DEFAULT_CLASS)));
  }

  static Sandbox awaitSandbox(KubernetesClient client, String name, Predicate<Sandbox> until) {
    return await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.resources(Sandbox.class).withName(name).get(),
            s -> s != null && s.getStatus() != null && until.test(s));
  }

  static boolean is(Sandbox sandbox, String type, String status, String reason) {
    Condition condition = Conditions.find(sandbox.getStatus().conditions(), type);
    return condition != null
        && status.equals(condition.status())
        && (reason == null || reason.equals(condition.reason()));
  }

  static boolean ready(Sandbox sandbox) {
    return is(sandbox, ConditionTypes.READY, "True", null);
  }

  static void patchSpec(KubernetesClient client, String name, String json) {
    client
        .resources(Sandbox.class)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + json + "}");
  }

  /** The message of the Ready condition. */
  static String conditionMessage(Sandbox sandbox) {
    return Conditions.find(sandbox.getStatus().conditions(), ConditionTypes.READY).message();
  }
}

package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.function.Predicate;

/** Sandboxes on the local cluster, for the integration tests. */
final class ClusterSandboxes {
  static final Duration CONVERGE = Duration.ofSeconds(60);
  static final String PSS_ENFORCE = "pod-security.kubernetes.io/enforce";

  private ClusterSandboxes() {}

  /**
   * The test's namespace enforces the restricted standard. The sandbox RuntimeClass comes with
   * deploy/ (deploy/sandbox), which RunningOperator applies, and the local cluster's default
   * StorageClass (bosun-local) with testkit's volume provisioner.
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
  }

  static SandboxTemplate template(
      KubernetesClient client, String name, SandboxLifecycle lifecycle) {
    return client.resource(SandboxFixtures.template(name, "cpu-s", lifecycle)).create();
  }

  static Sandbox sandbox(
      KubernetesClient client, String name, String template, SandboxLifecycle lifecycle) {
    return client.resource(SandboxFixtures.sandbox(name, template, lifecycle)).create();
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

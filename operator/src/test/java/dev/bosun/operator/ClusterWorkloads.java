package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Workloads on the test cluster: patch one, read it, wait on its status. The API's test-jar builds
 * the Workloads themselves (dev.bosun.api.testing.Workloads).
 */
final class ClusterWorkloads {
  static final Duration CONVERGE = Duration.ofSeconds(90);

  private ClusterWorkloads() {}

  /** A JSON merge patch of the spec, as `kubectl patch --type=merge` does. */
  static void patchSpec(KubernetesClient client, String name, String specJson) {
    client
        .resources(Workload.class)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + specJson + "}");
  }

  static Workload get(KubernetesClient client, String name) {
    return client.resources(Workload.class).withName(name).get();
  }

  static Condition condition(Workload workload, String type) {
    return workload == null || workload.getStatus() == null
        ? null
        : Conditions.find(workload.getStatus().conditions(), type);
  }

  /** Waits until the Workload's status, for its current generation, satisfies the predicate. */
  static Workload awaitStatus(KubernetesClient client, String name, Predicate<Workload> predicate) {
    return await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> get(client, name),
            w ->
                w != null
                    && w.getStatus() != null
                    && w.getMetadata().getGeneration().equals(w.getStatus().observedGeneration())
                    && predicate.test(w));
  }

  static boolean is(Workload workload, String type, String status, String reason) {
    Condition c = condition(workload, type);
    return c != null && status.equals(c.status()) && (reason == null || reason.equals(c.reason()));
  }
}

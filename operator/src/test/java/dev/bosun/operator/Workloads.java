package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.function.Predicate;

/** Workloads for the tests, and waits on their status. */
final class Workloads {
  static final Duration CONVERGE = Duration.ofSeconds(90);

  private Workloads() {}

  static Workload service(String name, String size, int min, int max) {
    return workload(
        name,
        new WorkloadSpec(
            WorkloadType.Service,
            "registry.example.com/acme/web:1.0",
            size,
            null,
            null,
            null,
            8080,
            new Replicas(min, max),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  static Workload inference(String name, String size, int replicas, String image) {
    return workload(
        name,
        new WorkloadSpec(
            WorkloadType.Inference,
            image,
            size,
            null,
            null,
            null,
            8000,
            new Replicas(replicas, replicas),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  static Workload workload(String name, WorkloadSpec spec) {
    var workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
    workload.setSpec(spec);
    return workload;
  }

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

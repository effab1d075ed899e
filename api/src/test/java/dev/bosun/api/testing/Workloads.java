package dev.bosun.api.testing;

import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Workloads built in code, for the tests of every module (api's test-jar). */
public final class Workloads {
  public static final String IMAGE = "registry.example.com/acme/web:1.0";

  private Workloads() {}

  public static Workload workload(String name, WorkloadSpec spec) {
    var workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
    workload.setSpec(spec);
    return workload;
  }

  /** The least a Workload of {@code type} needs: an image, a size and, to serve, a port. */
  public static WorkloadSpecBuilder minimalSpec(WorkloadType type, String size) {
    return new WorkloadSpecBuilder()
        .withType(type)
        .withImage(IMAGE)
        .withSize(size)
        .withPort(type.isServing() ? 8080 : null);
  }

  public static Workload minimal(String name, WorkloadType type, String size) {
    return workload(name, minimalSpec(type, size).build());
  }

  public static Workload service(String name, String size, int min, int max) {
    return workload(
        name, minimalSpec(WorkloadType.Service, size).withReplicas(new Replicas(min, max)).build());
  }

  public static Workload inference(String name, String size, int replicas, String image) {
    return workload(
        name,
        minimalSpec(WorkloadType.Inference, size)
            .withImage(image)
            .withPort(8000)
            .withReplicas(Replicas.fixed(replicas))
            .build());
  }
}

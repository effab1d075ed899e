package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Workloads built in code for tests. */
final class Workloads {
  private Workloads() {}

  static Workload of(String name, WorkloadSpec spec) {
    Workload workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
    workload.setSpec(spec);
    return workload;
  }

  /** The least a Workload of {@code type} needs. */
  static Workload minimal(String name, WorkloadType type, String size) {
    return of(
        name,
        new WorkloadSpec(
            type,
            "registry.example.com/team/app:1.0",
            size,
            null,
            null,
            null,
            type.isServing() ? 8080 : null,
            null,
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
}

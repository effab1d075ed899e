package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.InvalidWorkloadException;
import dev.bosun.compiler.manifest.TierCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pruning only looks at ChildKinds.ALL: every kind the compiler makes must be there. */
class ChildKindsTest {

  @Test
  void everyKindTheCompilerMakesIsOneThatPruningLooksAt() {
    Set<Class<?>> made = new HashSet<>();
    for (Tier tier : TierCatalog.defaults().all()) {
      for (WorkloadType type : WorkloadType.values()) {
        for (int replicas : new int[] {1, 3}) {
          Workload workload =
              Workloads.workload(
                  "w",
                  Workloads.minimalSpec(type, tier.getMetadata().getName())
                      .withReplicas(type.isServing() ? new Replicas(1, replicas) : null)
                      .withParallelism(type.isServing() ? null : replicas)
                      .build());
          workload.getMetadata().setNamespace("ns");
          try {
            Compiler.compile(workload, tier, null).stream()
                .map(HasMetadata::getClass)
                .forEach(made::add);
          } catch (InvalidWorkloadException tierNotForThisType) {
            // A tier that does not allow the type makes nothing.
          }
        }
      }
    }
    assertThat(ChildKinds.ALL)
        .containsAll(
            made.stream()
                .map(c -> (Class<? extends HasMetadata>) c.asSubclass(HasMetadata.class))
                .toList());
    // Every kind listed is one the compiler really makes: no list calls for nothing.
    assertThat(made).containsAll(ChildKinds.ALL);
  }
}

package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.manifest.TierCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GPUs a Workload holds: at most (the concurrent budget) and now (the ledger). */
class GpuDemandTest {
  private static final Tier GPU_M = TierCatalog.defaults().find("gpu-m").orElseThrow();
  private static final Tier CPU_S = TierCatalog.defaults().find("cpu-s").orElseThrow();

  private static Workload workload(WorkloadType type, Replicas replicas, Integer parallelism) {
    var workload = new Workload();
    workload.setSpec(
        new WorkloadSpecBuilder()
            .withType(type)
            .withImage("registry.example.com/llm:1")
            .withSize("gpu-m")
            .withPort(type == WorkloadType.Training ? null : 8080)
            .withReplicas(replicas)
            .withParallelism(parallelism)
            .build());
    return workload;
  }

  private static WorkloadStatus status(Integer desired, Condition... conditions) {
    return new WorkloadStatus(
        1L,
        List.of(conditions),
        "gpu-m",
        "staging",
        desired,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void servingWorkloadsReserveTheirMostReplicasAndRunWhatTheDeploymentAsks() {
    int perPod = GpuDemand.perPod(GPU_M);
    assertThat(perPod).isPositive();
    var autoscaled = workload(WorkloadType.Inference, new Replicas(1, 4), null);
    assertThat(GpuDemand.reserved(autoscaled.getSpec(), GPU_M)).isEqualTo(4 * perPod);
    assertThat(GpuDemand.running(autoscaled, GPU_M)).isEqualTo(perPod);
    autoscaled.setStatus(status(3));
    assertThat(GpuDemand.running(autoscaled, GPU_M)).isEqualTo(3 * perPod);
    assertThat(GpuDemand.reserved(autoscaled.getSpec(), CPU_S)).isZero();
  }

  @Test
  void jobsHoldTheirParallelismUntilTheyEnd() {
    int perPod = GpuDemand.perPod(GPU_M);
    var training = workload(WorkloadType.Training, null, 2);
    assertThat(GpuDemand.reserved(training.getSpec(), GPU_M)).isEqualTo(2 * perPod);
    assertThat(GpuDemand.running(training, GPU_M)).isEqualTo(2 * perPod);
    training.setStatus(
        status(
            null,
            new Condition(
                ConditionTypes.READY,
                "True",
                1L,
                "2026-12-02T10:00:00Z",
                Reasons.SUCCEEDED,
                null)));
    assertThat(GpuDemand.running(training, GPU_M)).isZero();
    training.setStatus(
        status(
            null,
            new Condition(
                ConditionTypes.DEGRADED,
                "True",
                1L,
                "2026-12-02T10:00:00Z",
                Reasons.JOB_FAILED,
                null)));
    assertThat(GpuDemand.running(training, GPU_M)).isZero();
  }
}

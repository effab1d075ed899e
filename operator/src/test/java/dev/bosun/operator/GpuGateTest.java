package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a GPU pod's readiness gate says, as a table: the node's report, the pod's devices. */
class GpuGateTest {
  private static final String NODE = "gpu-node-3";
  private static final String UUID_0 = "GPU-00000000-0000-0000-0000-000000000000";
  private static final String UUID_1 = "GPU-11111111-1111-1111-1111-111111111111";

  private static final GpuDeviceHealth GPU_0 = gpu(0, UUID_0, GpuHealthStatus.Healthy, true, null);
  private static final GpuDeviceHealth GPU_1 = gpu(1, UUID_1, GpuHealthStatus.Healthy, true, null);
  private static final GpuDeviceHealth GPU_1_XID_79 =
      gpu(1, UUID_1, GpuHealthStatus.Unhealthy, true, "Xid 79: fell off the bus");
  private static final GpuDeviceHealth GPU_1_GONE =
      gpu(1, UUID_1, GpuHealthStatus.Healthy, false, null);
  private static final GpuDeviceHealth GPU_1_HOT =
      gpu(1, UUID_1, GpuHealthStatus.Degraded, true, "hw_thermal_slowdown");

  private static final GpuNodeHealth HEALTHY = report(true, GPU_0, GPU_1);
  private static final GpuNodeHealth GPU_1_FAILED = report(false, GPU_0, GPU_1_XID_79);

  static Stream<Arguments> verdicts() {
    return Stream.of(
        Arguments.of(
            "no agent reports the node",
            List.of("gpu-1"),
            null,
            true,
            Reasons.NO_GPU_HEALTH_REPORTED),
        Arguments.of("every GPU is healthy", List.of("gpu-1"), HEALTHY, true, Reasons.GPUS_HEALTHY),
        Arguments.of(
            "the pod's GPU is unhealthy",
            List.of("gpu-1"),
            GPU_1_FAILED,
            false,
            Reasons.GPU_UNHEALTHY),
        Arguments.of(
            "one of the pod's GPUs is unhealthy",
            List.of("gpu-0", "gpu-1"),
            GPU_1_FAILED,
            false,
            Reasons.GPU_UNHEALTHY),
        Arguments.of(
            "another GPU of the node is unhealthy",
            List.of("gpu-0"),
            GPU_1_FAILED,
            true,
            Reasons.GPUS_HEALTHY),
        Arguments.of(
            "a MIG instance of the unhealthy GPU",
            List.of("gpu-1-mig-1g10gb-3"),
            GPU_1_FAILED,
            false,
            Reasons.GPU_UNHEALTHY),
        Arguments.of(
            "the pod's GPU is gone",
            List.of("gpu-1"),
            report(false, GPU_0, GPU_1_GONE),
            false,
            Reasons.GPU_UNHEALTHY),
        Arguments.of(
            "the pod's GPU is slowed down but serves",
            List.of("gpu-1"),
            report(true, GPU_0, GPU_1_HOT),
            true,
            Reasons.GPUS_HEALTHY),
        Arguments.of(
            "the pod's GPUs are unknown and the node is unhealthy",
            List.of(),
            GPU_1_FAILED,
            false,
            Reasons.NODE_GPU_UNHEALTHY),
        Arguments.of(
            "the pod's device is not in the report and the node is unhealthy",
            List.of("gpu-7"),
            GPU_1_FAILED,
            false,
            Reasons.NODE_GPU_UNHEALTHY),
        Arguments.of(
            "the pod's device names a GPU index past any int, and the node is unhealthy",
            List.of("gpu-99999999999999999999", "gpu-2147483648-mig-1g10gb-0"),
            GPU_1_FAILED,
            false,
            Reasons.NODE_GPU_UNHEALTHY),
        Arguments.of(
            "the pod's GPUs are unknown and the node is healthy",
            List.of(),
            HEALTHY,
            true,
            Reasons.GPUS_HEALTHY));
  }

  @ParameterizedTest(name = "{0}: healthy {3}, {4}")
  @MethodSource("verdicts")
  void judge(
      String situation,
      List<String> devices,
      GpuNodeHealth health,
      boolean healthy,
      String reason) {
    GpuGate.Verdict verdict = GpuGate.judge(NODE, devices, health);

    assertThat(verdict.healthy()).isEqualTo(healthy);
    assertThat(verdict.reason()).isEqualTo(reason);
    assertThat(verdict.message()).contains(NODE);
  }

  @Test
  void anUnhealthyGpuIsNamedWithItsUuidAndFault() {
    assertThat(GpuGate.judge(NODE, List.of("gpu-1"), GPU_1_FAILED).message())
        .isEqualTo(
            "GPU gpu-1 (" + UUID_1 + ") of node gpu-node-3 is unhealthy: Xid 79: fell off the bus");
  }

  @Test
  void claimsAreReadOnlyWhenTheNodeReportsAFault() {
    assertThat(GpuGate.reportsFault(null)).isFalse();
    assertThat(GpuGate.reportsFault(HEALTHY)).isFalse();
    assertThat(GpuGate.reportsFault(report(true, GPU_0, GPU_1_HOT))).isFalse();
    assertThat(GpuGate.reportsFault(GPU_1_FAILED)).isTrue();
  }

  @Test
  void aPodHoldsTheNvidiaDevicesOfItsNodesPool() {
    ResourceClaim claim =
        new ResourceClaimBuilder()
            .withNewMetadata()
            .withName("chat-0-gpu")
            .endMetadata()
            .withNewStatus()
            .withNewAllocation()
            .withNewDevices()
            .addNewResult()
            .withDriver("gpu.nvidia.com")
            .withPool(NODE)
            .withDevice("gpu-1")
            .withRequest("gpu")
            .endResult()
            .addNewResult()
            .withDriver("nic.example.com")
            .withPool(NODE)
            .withDevice("nic-0")
            .withRequest("nic")
            .endResult()
            .endDevices()
            .endAllocation()
            .endStatus()
            .build();
    ResourceClaim unallocated =
        new ResourceClaimBuilder().withNewMetadata().withName("pending").endMetadata().build();

    assertThat(GpuGate.devicesOn(NODE, List.of(claim, unallocated))).containsExactly("gpu-1");
  }

  @Test
  void onlyAChangeOfHealthWakesWorkloads() {
    GpuNodeHealth heartbeat = report(true, GPU_0, GPU_1);
    assertThat(GpuGate.healthChanged(heartbeat, HEALTHY)).isFalse();
    assertThat(GpuGate.healthChanged(GPU_1_FAILED, HEALTHY)).isTrue();
    assertThat(GpuGate.healthChanged(HEALTHY, GPU_1_FAILED)).isTrue();
  }

  private static GpuDeviceHealth gpu(
      int index, String uuid, GpuHealthStatus health, boolean present, String reason) {
    return new GpuDeviceHealth(
        index,
        uuid,
        "NVIDIA H100 80GB HBM3",
        null,
        present,
        health,
        reason,
        null,
        null,
        null,
        null,
        null);
  }

  private static GpuNodeHealth report(boolean nodeHealthy, GpuDeviceHealth... gpus) {
    var health = new GpuNodeHealth();
    health.setMetadata(new ObjectMetaBuilder().withName(NODE).build());
    health.setSpec(new GpuNodeHealthSpec(NODE));
    Condition condition =
        new Condition(
            ConditionTypes.GPU_HEALTHY,
            nodeHealthy ? "True" : "False",
            null,
            "2026-12-01T06:00:00Z",
            nodeHealthy ? Reasons.GPUS_HEALTHY : Reasons.GPU_UNHEALTHY,
            nodeHealthy ? "All GPUs healthy" : "GPU 1 (" + UUID_1 + "): Xid 79");
    health.setStatus(
        new GpuNodeHealthStatus(
            1L,
            List.of(condition),
            // A heartbeat moves only the sample time.
            String.valueOf(System.nanoTime()),
            "simulated",
            "580.159.04",
            "13.0",
            List.of(gpus),
            null,
            null));
    return health;
  }
}

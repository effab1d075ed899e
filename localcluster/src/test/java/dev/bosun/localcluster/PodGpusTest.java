package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResultBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole GPUs a pod holds, read off its claims' allocations as the scheduler writes them. */
class PodGpusTest {

  private static ResourceClaim allocated(String... driverPoolDevice) {
    var results = new ArrayList<DeviceRequestAllocationResult>();
    for (String each : driverPoolDevice) {
      String[] parts = each.split("/");
      results.add(
          new DeviceRequestAllocationResultBuilder()
              .withRequest("gpu")
              .withDriver(parts[0])
              .withPool(parts[1])
              .withDevice(parts[2])
              .build());
    }
    return new ResourceClaimBuilder()
        .withNewMetadata()
        .withName("chat-gpu")
        .endMetadata()
        .withNewStatus()
        .withNewAllocation()
        .withNewDevices()
        .withResults(results)
        .endDevices()
        .endAllocation()
        .endStatus()
        .build();
  }

  @Test
  void wholeGpusOfNvidiasDriverByNodeAndIndexEachOnce() {
    var gpus =
        PodGpus.of(
            List.of(
                allocated(
                    "gpu.nvidia.com/gpu-node-1/gpu-3",
                    "gpu.nvidia.com/gpu-node-1/gpu-0",
                    "gpu.nvidia.com/gpu-node-1/gpu-3"),
                allocated("gpu.nvidia.com/gpu-node-2/gpu-12")));

    assertThat(gpus)
        .containsExactly(
            new PodGpus.Gpu("gpu-node-1", 3),
            new PodGpus.Gpu("gpu-node-1", 0),
            new PodGpus.Gpu("gpu-node-2", 12));
  }

  @Test
  void migInstancesOtherDriversOddNamesAndUnallocatedClaimsHoldNoWholeGpu() {
    var unallocated =
        new ResourceClaimBuilder().withNewMetadata().withName("x").endMetadata().build();
    var gpus =
        PodGpus.of(
            List.of(
                unallocated,
                allocated(
                    "gpu.nvidia.com/gpu-node-1/gpu-0-mig-1g10gb-2",
                    "other.example.com/gpu-node-1/gpu-1",
                    "gpu.nvidia.com/gpu-node-1/gpu-01",
                    "gpu.nvidia.com/gpu-node-1/gpu-",
                    "gpu.nvidia.com/gpu-node-1/gpu-99999")));
    assertThat(gpus).isEmpty();
  }
}

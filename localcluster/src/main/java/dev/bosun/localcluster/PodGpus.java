package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * <b>Pure</b>: the whole GPUs a pod holds, from its ResourceClaims' allocations, by node and index:
 * devices {@code gpu-<index>} of NVIDIA's driver in the pool named after the node, as {@link
 * NvidiaResourceSlice} publishes them. A MIG instance is not a whole GPU and is left out (NVML
 * reports no utilisation for it either).
 */
public final class PodGpus {
  private static final Pattern WHOLE_GPU = Pattern.compile("gpu-(0|[1-9][0-9]{0,2})");

  /** One GPU of a simulated node. */
  public record Gpu(String node, int index) {}

  private PodGpus() {}

  /** The GPUs allocated to {@code claims}, each once, in allocation order. */
  public static List<Gpu> of(List<ResourceClaim> claims) {
    return claims.stream()
        .filter(c -> c.getStatus() != null && c.getStatus().getAllocation() != null)
        .filter(c -> c.getStatus().getAllocation().getDevices() != null)
        .flatMap(c -> results(c.getStatus().getAllocation().getDevices().getResults()))
        .filter(r -> NvidiaResourceSlice.DRIVER.equals(r.getDriver()))
        .filter(r -> r.getPool() != null && r.getDevice() != null)
        .filter(r -> WHOLE_GPU.matcher(r.getDevice()).matches())
        .map(r -> new Gpu(r.getPool(), Integer.parseInt(r.getDevice().substring(4))))
        .distinct()
        .toList();
  }

  private static Stream<DeviceRequestAllocationResult> results(
      List<DeviceRequestAllocationResult> results) {
    return results == null ? Stream.of() : results.stream().filter(Objects::nonNull);
  }
}

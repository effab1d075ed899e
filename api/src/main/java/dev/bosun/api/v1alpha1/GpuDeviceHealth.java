package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * One GPU in {@link GpuNodeHealthStatus}. The UUID is the key: the index can change across reboots.
 * A GPU that disappears (fell off the bus, lost to NVML) stays listed with {@code present: false}
 * and its last readings, because a missing GPU is the fault.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuDeviceHealth(
    @Required
        @Min(0)
        @JsonPropertyDescription("NVML's index; also the N of /dev/nvidiaN on a plain host.")
        Integer index,
    @Required @Size(max = 96) @JsonPropertyDescription("The GPU's UUID, such as GPU-2b8f2f0e-....")
        String uuid,
    @Size(max = 96) @JsonPropertyDescription("The product name, such as NVIDIA H100 80GB HBM3.")
        String model,
    @Size(max = 32) @JsonPropertyDescription("The PCI address, such as 00000000:18:00.0.")
        String pciBusId,
    @JsonPropertyDescription(
            "False when the GPU was seen earlier and is gone from the latest sample.")
        Boolean present,
    @Required
        @JsonPropertyDescription(
            "Healthy, Degraded (slowed down, still usable) or Unhealthy (take it out of service).")
        GpuHealthStatus health,
    @Size(max = 512) @JsonPropertyDescription("Why the GPU is not Healthy; absent when it is.")
        String reason,
    @JsonPropertyDescription("When health last changed (RFC 3339).") String since,
    @Size(max = 10) @JsonPropertyDescription("The newest faults on this GPU, oldest first.")
        List<GpuFault> recentFaults,
    @JsonPropertyDescription("ECC error totals.") GpuEccCounts ecc,
    @JsonPropertyDescription("HBM row remapping.") GpuRemappedRows remappedRows,
    @Size(max = 16)
        @JsonPropertyDescription(
            "Why the clocks are below maximum, in nvidia-smi's names (gpu_idle, sw_power_cap, hw_thermal_slowdown, ...).")
        List<String> clockEventReasons) {

  public GpuDeviceHealth {
    recentFaults = recentFaults == null ? null : List.copyOf(recentFaults);
    clockEventReasons = clockEventReasons == null ? null : List.copyOf(clockEventReasons);
  }
}

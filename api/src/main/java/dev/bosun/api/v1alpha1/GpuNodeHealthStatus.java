package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * What the node agent last saw. It holds only what changes when health changes (identity, health,
 * faults, error counters, slowdown reasons), not utilisation or temperature, which belong in
 * /metrics: that way the agent writes when something happened, not every second. Every list is
 * bounded so that one object stays far below etcd's size limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuNodeHealthStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @Size(max = 8)
        @JsonPropertyDescription(
            "GpuHealthy: False when a GPU is unhealthy, naming it; the same as the Node condition.")
        List<Condition> conditions,
    @JsonPropertyDescription(
            "When the agent last wrote this status (RFC 3339); it rewrites it at least every heartbeat.")
        String sampledAt,
    @JsonPropertyDescription("Where the GPU readings came from: nvml, nvidia-smi or simulated.")
        String source,
    @JsonPropertyDescription("The NVIDIA driver version, such as 580.159.04.") String driverVersion,
    @JsonPropertyDescription("The driver's CUDA version, such as 13.0.") String cudaVersion,
    @Size(max = 64)
        @JsonPropertyDescription("Every GPU seen on the node since the agent started, by index.")
        List<GpuDeviceHealth> gpus,
    @Size(max = 10)
        @JsonPropertyDescription(
            "Recent faults that name no GPU (NVML failures, a fall off the bus without an address), newest last.")
        List<GpuFault> nodeFaults,
    @JsonPropertyDescription(
            "Input a source could not read (garbage, cut or overlong lines, absurd values), per source, since the agent started.")
        Map<String, Long> unparsedInput) {

  public GpuNodeHealthStatus {
    conditions = conditions == null ? null : List.copyOf(conditions);
    gpus = gpus == null ? null : List.copyOf(gpus);
    nodeFaults = nodeFaults == null ? null : List.copyOf(nodeFaults);
    unparsedInput = unparsedInput == null ? null : Map.copyOf(unparsedInput);
  }
}

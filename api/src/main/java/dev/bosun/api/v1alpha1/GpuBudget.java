package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The GPUs the agents of a policy may hold together: at once, and over a day (UTC). A deploy that
 * asks for GPUs is refused once either is spent; CPU deploys are never counted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuBudget(
    @Min(0)
        @Max(100000)
        @JsonPropertyDescription(
            "The most GPUs the agents' Workloads may hold at once, counted at their most replicas"
                + " (what the autoscaler may reach without asking); 0 when absent.")
        Integer concurrentGpus,
    @Min(0)
        @Max(10000000)
        @JsonPropertyDescription(
            "The most GPU-hours the agents' Workloads may use from midnight UTC to midnight; 0"
                + " when absent.")
        Integer gpuHoursPerDay) {

  /** No GPUs: what a policy without a gpuBudget allows. */
  public static final GpuBudget NONE = new GpuBudget(0, 0);

  public int concurrentGpusOrDefault() {
    return concurrentGpus == null ? 0 : concurrentGpus;
  }

  public int gpuHoursPerDayOrDefault() {
    return gpuHoursPerDay == null ? 0 : gpuHoursPerDay;
  }
}

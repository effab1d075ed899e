package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * When a faulty GPU is healthy again. The first three fields are the node agent's verdict; {@code
 * delay} is how long the cluster then waits before it gives the GPU back, so that a GPU the agent
 * calls healthy once does not take work the same second.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuRecovery(
    @Min(1)
        @Max(1000)
        @JsonPropertyDescription(
            "Consecutive clean samples before the agent calls a GPU healthy again; 3 when absent.")
        Integer cleanSamples,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "Time without a fault before the agent calls a GPU healthy again; 5m when absent.")
        String quietPeriod,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "Failures within this window lengthen the quiet period (doubling, up to 8x); 1h when absent.")
        String flapWindow,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "How long a GPU must stay healthy before the cluster lifts its quarantine; 10m when absent.")
        String delay) {}

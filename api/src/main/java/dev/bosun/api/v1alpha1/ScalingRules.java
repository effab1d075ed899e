package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How fast replicas may change in one direction: the HorizontalPodAutoscaler's scaling rules. With
 * both {@code pods} and {@code percent}, the larger change per period is allowed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScalingRules(
    @Min(0)
        @Max(3600)
        @JsonPropertyDescription(
            "Seconds of past recommendations considered before changing replicas: the highest"
                + " (scale-down) or lowest (scale-up) of them wins. The autoscaler's default when"
                + " absent (0 up, 300 down).")
        Integer stabilizationWindowSeconds,
    @Min(1) @Max(1000) @JsonPropertyDescription("The most pods added or removed per period.")
        Integer pods,
    @Min(1)
        @Max(1000)
        @JsonPropertyDescription(
            "The most pods added or removed per period, in percent of the current.")
        Integer percent,
    @Min(1)
        @Max(1800)
        @JsonPropertyDescription("The period of pods and percent, in seconds; 60 when absent.")
        Integer periodSeconds) {

  /** The period of a step limit that names none. */
  public static final int DEFAULT_PERIOD_SECONDS = 60;
}

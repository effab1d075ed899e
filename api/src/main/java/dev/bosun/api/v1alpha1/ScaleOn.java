package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** An autoscaling signal and its target: scale out when the average goes above {@code target}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScaleOn(
    @Required @JsonPropertyDescription("The signal to follow: cpu, memory or gpu.")
        ScaleMetric metric,
    @Required
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("The target average utilisation, in percent.")
        Integer target) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A Workload's choice among its tier's signals, and optionally its own target: scale out when the
 * average per replica goes above the target.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = ScaleSignal.PERCENT_RULE,
    message = ScaleSignal.PERCENT_MESSAGE,
    fieldPath = ".target",
    reason = "FieldValueInvalid")
public record ScaleOn(
    @Required
        @JsonPropertyDescription(
            "The signal to follow, one of those the tier allows: cpu, memory, gpu,"
                + " requestsWaiting, requestsRunning or kvCacheUsage.")
        ScaleMetric metric,
    @Min(1)
        @Max(ScaleSignal.MAX_REQUESTS)
        @JsonPropertyDescription(
            "The average per replica to scale to (percent, or requests); the tier's when absent.")
        Integer target) {}

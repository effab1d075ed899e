package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How Workloads reach an Environment by promotion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentPromotion(
    @JsonPropertyDescription(
            "What a Workload must survive in the Environment it is promoted from before it is"
                + " promoted here; none when absent.")
        PromotionGates gates) {}

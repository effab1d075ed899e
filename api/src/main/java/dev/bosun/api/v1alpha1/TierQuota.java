package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** How many pods of one tier an Environment may run at once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TierQuota(
    @Required @Pattern(Patterns.DNS_LABEL) String tier,
    @Required @Min(0) @JsonPropertyDescription("The most pods of this tier at once.")
        Integer maxPods) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** CPU, memory and scratch space of every pod of a tier; requests equal limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TierResources(
    @Required @Pattern(Patterns.QUANTITY) @JsonPropertyDescription("CPU cores, such as 4 or 500m.")
        String cpu,
    @Required @Pattern(Patterns.QUANTITY) @JsonPropertyDescription("Memory, such as 16Gi.")
        String memory,
    @Pattern(Patterns.QUANTITY) @JsonPropertyDescription("Scratch space on the node, such as 20Gi.")
        String ephemeralStorage) {}

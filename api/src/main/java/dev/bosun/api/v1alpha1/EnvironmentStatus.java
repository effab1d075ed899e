package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of an Environment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready and Degraded, with a reason a human can act on.")
        List<Condition> conditions,
    @JsonPropertyDescription(
            "The objects Bosun applied in the Environment's namespace (the namespace itself is not"
                + " listed: it outlives the Environment); one no longer made is deleted.")
        List<ChildReference> children) {}

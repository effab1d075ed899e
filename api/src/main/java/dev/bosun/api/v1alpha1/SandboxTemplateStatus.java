package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Whether a template can make sandboxes: its tier exists and fits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxTemplateStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, with the field and reason when the template cannot be used.")
        List<Condition> conditions) {}

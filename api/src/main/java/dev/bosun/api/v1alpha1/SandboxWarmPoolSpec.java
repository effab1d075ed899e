package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** How many ready sandboxes of a template to keep waiting for claims. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxWarmPoolSpec(
    @Required
        @Min(0)
        @Max(1000)
        @SpecReplicas
        @JsonPropertyDescription("Ready sandboxes to keep; the pool refills after each claim.")
        Integer replicas,
    @Required @JsonPropertyDescription("The SandboxTemplate, in the pool's namespace.")
        ObjectName sandboxTemplateRef) {}

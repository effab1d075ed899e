package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A status condition, as the Kubernetes API conventions describe it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    @Required String type,
    @Required String status,
    Long observedGeneration,
    @Required String lastTransitionTime,
    String reason,
    String message) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** What the operator observed of a warm pool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxWarmPoolStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, with a reason (the template missing, the pool filling).")
        List<Condition> conditions,
    @StatusReplicas @JsonPropertyDescription("Sandboxes waiting in the pool, ready or not.")
        Integer replicas,
    @JsonPropertyDescription("Sandboxes waiting in the pool that are ready to be claimed.")
        Integer readyReplicas,
    @LabelSelector
        @JsonPropertyDescription("The label selector of the pool's sandboxes, for /scale.")
        String selector) {}

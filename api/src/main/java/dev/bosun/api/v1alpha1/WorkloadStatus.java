package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the operator observed of a Workload. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadStatus(
    Long observedGeneration,
    List<Condition> conditions,
    String tier,
    String environment,
    Integer desiredReplicas,
    Integer readyReplicas) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How an autoscaled Workload is scaled, and what its autoscaler last saw. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadScaling(
    @JsonPropertyDescription("KEDA or HPA: what scales the Workload.") ScalingEngine engine,
    @JsonPropertyDescription("The signal it scales on.") ScaleMetric metric,
    @JsonPropertyDescription("The average per replica it scales to (percent, or requests).")
        Integer target,
    @JsonPropertyDescription(
            "The signal's current average per replica as the autoscaler last read it; absent"
                + " until it has.")
        String current,
    @JsonPropertyDescription("The fewest replicas.") Integer minReplicas,
    @JsonPropertyDescription("The most replicas.") Integer maxReplicas,
    @JsonPropertyDescription("Replicas now, as the autoscaler counts them.")
        Integer currentReplicas,
    @JsonPropertyDescription("Replicas the autoscaler wants.") Integer desiredReplicas) {}

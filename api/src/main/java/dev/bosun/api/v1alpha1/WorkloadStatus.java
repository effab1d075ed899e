package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of a Workload. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Ready, Progressing and Degraded, with a reason a human can act on.")
        List<Condition> conditions,
    @JsonPropertyDescription("The Tier the Workload was compiled with.") String tier,
    @JsonPropertyDescription(
            "The Environment whose namespace holds the Workload; absent when none does.")
        String environment,
    @JsonPropertyDescription("Pods the Deployment should run (Service and Inference).")
        Integer desiredReplicas,
    @JsonPropertyDescription("Pods of the current version that are ready (Service and Inference).")
        Integer readyReplicas,
    @JsonPropertyDescription(
            "How an autoscaled Workload scales: signal, target, the value last read, replicas.")
        WorkloadScaling scaling,
    @JsonPropertyDescription("Pods that must succeed (Training and Batch).") Integer completions,
    @JsonPropertyDescription("Pods that succeeded (Training and Batch).") Integer succeeded,
    @JsonPropertyDescription("Pods that failed (Training and Batch).") Integer failed,
    @JsonPropertyDescription(
            "The objects Bosun applied for this Workload; one the Workload no longer compiles to"
                + " is deleted.")
        List<ChildReference> children,
    @JsonPropertyDescription(
            "The last run of promotion gates against this Workload, written by bosun promote under"
                + " its own field manager (bosun-gates), never by the operator.")
        GateReport gates) {

  /** Only the gates' report: what their field manager applies, and all it owns. */
  public static WorkloadStatus ofGates(GateReport gates) {
    return new WorkloadStatus(
        null, null, null, null, null, null, null, null, null, null, null, gates);
  }

  /** This status without the gates' report: what the operator writes and compares. */
  public WorkloadStatus withoutGates() {
    return new WorkloadStatus(
        observedGeneration,
        conditions,
        tier,
        environment,
        desiredReplicas,
        readyReplicas,
        scaling,
        completions,
        succeeded,
        failed,
        children,
        null);
  }

  /** This status with the given inventory of applied objects. */
  public WorkloadStatus withChildren(List<ChildReference> children) {
    return new WorkloadStatus(
        observedGeneration,
        conditions,
        tier,
        environment,
        desiredReplicas,
        readyReplicas,
        scaling,
        completions,
        succeeded,
        failed,
        children,
        gates);
  }

  /** This status with how the Workload scales, and the conditions that go with it. */
  public WorkloadStatus withScaling(WorkloadScaling scaling, List<Condition> conditions) {
    return new WorkloadStatus(
        observedGeneration,
        conditions,
        tier,
        environment,
        desiredReplicas,
        readyReplicas,
        scaling,
        completions,
        succeeded,
        failed,
        children,
        gates);
  }
}

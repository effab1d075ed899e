package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which changes of a Workload's children are worth a reconciliation: those that can change the
 * Workload's status (what {@link WorkloadObservation} reads) or call for a re-apply (a new
 * generation: someone edited the object). The Deployment controller, the Job controller and the
 * kubelet update their objects several times on the way to ready; most of those updates change
 * nothing a Workload reports. The same holds for a Sandbox, its pod, and the Sandbox itself, whose
 * activity annotation the router rewrites every few seconds. Pure: each filter compares two
 * versions of an object.
 */
final class ChildChanges {
  private ChildChanges() {}

  /** A Deployment, as far as a Workload's status and re-apply care. */
  private record DeploymentView(
      Long generation,
      boolean deleting,
      Integer replicas,
      int readyUpdated,
      boolean rolledOut,
      Optional<WorkloadObservation.Blocker> replicaFailure) {}

  /** A Job, likewise. */
  private record JobView(
      Long generation,
      boolean deleting,
      Integer completions,
      Integer succeeded,
      Integer failed,
      Optional<String> finished) {}

  /** A Pod: why the scheduler cannot place it, if it cannot. */
  private record PodView(boolean deleting, List<String> unschedulable) {}

  /** A Sandbox's pod: what {@link SandboxPlan} reads of it. */
  private record SandboxPodView(
      boolean deleting, String phase, String node, String ip, List<String> trueConditions) {}

  /**
   * A Sandbox: what can change its plan besides time (the router's activity only moves a deadline).
   */
  private record SandboxView(
      Long generation,
      boolean deleting,
      Map<String, String> labels,
      Map<String, String> annotations) {}

  /**
   * A Deployment or Job that appears is one the operator has just applied, and the reconcile that
   * applied it reports on it. Its watch event, which often arrives before that reconcile ends,
   * would only make it run again.
   */
  static boolean created(HasMetadata anchor) {
    return false;
  }

  static boolean deployment(Deployment now, Deployment before) {
    return !view(now).equals(view(before));
  }

  static boolean job(Job now, Job before) {
    return !view(now).equals(view(before));
  }

  /** KEDA makes its HPA after the ScaledObject is applied: the Workload reports it. */
  static boolean autoscalerAdded(HorizontalPodAutoscaler autoscaler) {
    return true;
  }

  /**
   * An autoscaler's status: the Workload's status shows its signal, replicas and whether it can
   * read the signal. Its sync rewrites the same status often; only a change passes.
   */
  static boolean autoscaler(HorizontalPodAutoscaler now, HorizontalPodAutoscaler before) {
    return !Objects.equals(now.getStatus(), before.getStatus());
  }

  /** A new pod matters only when its GPU readiness gate has to be set. */
  static boolean podAdded(Pod pod) {
    return gateUnset(pod);
  }

  /**
   * A gate that is still unset always matters; one just set does not. Later changes of the gate
   * follow the node's GpuNodeHealth, whose informer wakes the Workloads of the node's pods.
   */
  static boolean pod(Pod now, Pod before) {
    return gateUnset(now) || !view(now).equals(view(before));
  }

  /** Whether the pod has the GPU readiness gate and it is not set yet (nor will be: deleting). */
  static boolean gateUnset(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && hasGate(pod) && gate(pod).isEmpty();
  }

  static boolean hasGate(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getReadinessGates().stream()
            .anyMatch(g -> ConditionTypes.GPU_HEALTHY_GATE.equals(g.getConditionType()));
  }

  static boolean gateIsTrue(Pod pod) {
    return gate(pod).filter(c -> "True".equals(c.getStatus())).isPresent();
  }

  /** The pod's condition of the GPU readiness gate, once set. */
  static Optional<PodCondition> gate(Pod pod) {
    return pod.getStatus() == null
        ? Optional.empty()
        : pod.getStatus().getConditions().stream()
            .filter(c -> ConditionTypes.GPU_HEALTHY_GATE.equals(c.getType()))
            .findFirst();
  }

  private static DeploymentView view(Deployment deployment) {
    var spec = deployment.getSpec();
    int replicas = spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
    var rollout = WorkloadObservation.Rollout.of(deployment, replicas);
    return new DeploymentView(
        deployment.getMetadata().getGeneration(),
        deployment.getMetadata().getDeletionTimestamp() != null,
        spec == null ? null : spec.getReplicas(),
        rollout.ready(),
        rollout.complete(),
        WorkloadObservation.quotaBlocker(deployment));
  }

  private static JobView view(Job job) {
    var status = job.getStatus();
    return new JobView(
        job.getMetadata().getGeneration(),
        job.getMetadata().getDeletionTimestamp() != null,
        job.getSpec() == null ? null : job.getSpec().getCompletions(),
        status == null ? null : status.getSucceeded(),
        status == null ? null : status.getFailed(),
        WorkloadObservation.finished(job).map(ChildChanges::describe));
  }

  private static PodView view(Pod pod) {
    List<PodCondition> conditions =
        pod.getStatus() == null ? List.of() : pod.getStatus().getConditions();
    // Only a pod the scheduler could not place has something to say: that it is placed is news
    // the Deployment or Job brings anyway.
    List<String> unschedulable =
        conditions.stream()
            .filter(
                c ->
                    WorkloadObservation.POD_SCHEDULED.equals(c.getType())
                        && "False".equals(c.getStatus()))
            .map(c -> c.getReason() + " " + c.getMessage())
            .toList();
    return new PodView(pod.getMetadata().getDeletionTimestamp() != null, unschedulable);
  }

  private static String describe(JobCondition condition) {
    return condition.getType()
        + " "
        + condition.getStatus()
        + " "
        + condition.getReason()
        + " "
        + condition.getMessage();
  }

  /** A Sandbox's pod changed what its Sandbox reports or does: phase, node, IP, readiness. */
  static boolean sandboxPod(Pod now, Pod before) {
    return !sandboxPodView(now).equals(sandboxPodView(before));
  }

  /**
   * A Sandbox changed more than its status and its last activity: the router writes the activity
   * every few seconds, and it only pushes the idle deadline back, which the reconcile scheduled at
   * the old deadline finds out. A new generation (spec), labels (a claim takes it from its pool) or
   * other annotations (the claim time, the token's hash) pass.
   */
  static boolean sandbox(Sandbox now, Sandbox before) {
    return !sandboxView(now).equals(sandboxView(before));
  }

  private static SandboxPodView sandboxPodView(Pod pod) {
    var status = pod.getStatus();
    return new SandboxPodView(
        pod.getMetadata().getDeletionTimestamp() != null,
        status == null ? null : status.getPhase(),
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        status == null ? null : status.getPodIP(),
        status == null || status.getConditions() == null
            ? List.of()
            : status.getConditions().stream()
                .filter(c -> "True".equals(c.getStatus()))
                .map(PodCondition::getType)
                .sorted()
                .toList());
  }

  private static SandboxView sandboxView(Sandbox sandbox) {
    var metadata = sandbox.getMetadata();
    Map<String, String> annotations =
        metadata.getAnnotations() == null
            ? new TreeMap<>()
            : new TreeMap<>(metadata.getAnnotations());
    annotations.remove(Sandboxes.LAST_ACTIVITY);
    return new SandboxView(
        metadata.getGeneration(),
        metadata.getDeletionTimestamp() != null,
        metadata.getLabels() == null ? Map.of() : new TreeMap<>(metadata.getLabels()),
        annotations);
  }
}

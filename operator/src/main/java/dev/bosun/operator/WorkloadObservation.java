package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns what the cluster shows of a Workload's Deployment or Job and pods into its status. Pure:
 * everything it reads is passed in, so the reasons it gives are unit-tested without a cluster.
 */
public final class WorkloadObservation {
  // Kubernetes' own words, read from the Deployments, Jobs and pods looked at here.

  /** A Deployment's condition: its ReplicaSet failed to create pods. */
  static final String DEPLOYMENT_REPLICA_FAILURE = "ReplicaFailure";

  /** A Job's condition once it has finished well. */
  static final String JOB_CONDITION_COMPLETE = "Complete";

  /** A Job's condition once it has finished badly. */
  static final String JOB_CONDITION_FAILED = "Failed";

  /** A pod's condition; False with {@link #POD_UNSCHEDULABLE} when no node can take the pod. */
  static final String POD_SCHEDULED = "PodScheduled";

  static final String POD_UNSCHEDULABLE = "Unschedulable";

  /** How long a pod waits before its Events are read for a reason (see {@link #podBlocker}). */
  static final Duration PENDING_BEFORE_EVENTS = Duration.ofSeconds(10);

  private WorkloadObservation() {}

  /**
   * What blocks the Workload until someone acts: a reason of its Degraded condition (one of {@link
   * Reasons}) and a message.
   */
  public record Blocker(String reason, String message) {}

  /**
   * @param blocker a blocker found before the children were looked at (invalid spec, tier missing,
   *     apply failed), or null
   * @param eventsOfPod the Events of a pending pod, asked for only when no condition explains why
   *     it is pending (a claim or a pod refused by quota leaves only an Event behind)
   */
  public static WorkloadStatus status(
      Workload workload,
      String tier,
      String environment,
      Blocker blocker,
      Deployment deployment,
      Job job,
      Collection<Pod> pods,
      Function<Pod, List<Event>> eventsOfPod,
      Instant now) {
    long generation = Optional.ofNullable(workload.getMetadata().getGeneration()).orElse(0L);
    List<Condition> previous =
        workload.getStatus() == null ? null : workload.getStatus().conditions();

    Integer desired = null, ready = null, completions = null, succeeded = null, failed = null;
    boolean isReady = false;
    boolean progressing = false;
    String readyReason = Reasons.NOT_READY;
    String readyMessage = null;
    if (deployment != null) {
      var spec = deployment.getSpec();
      var st = deployment.getStatus();
      // Under an autoscaler the Deployment starts at one replica until the HPA's first sync
      // raises it: the Workload's own minimum is what "ready" has to mean.
      desired =
          Math.max(spec.getReplicas() == null ? 1 : spec.getReplicas(), minimumReplicas(workload));
      Rollout rollout = Rollout.of(deployment, desired);
      ready = rollout.ready();
      isReady = rollout.complete();
      progressing = !isReady;
      readyReason = isReady ? Reasons.REPLICAS_READY : Reasons.REPLICAS_NOT_READY;
      readyMessage = ready + " of " + desired + " replicas ready";
      if (blocker == null) {
        blocker = quotaBlocker(deployment).orElse(null);
      }
    } else if (job != null) {
      var st = job.getStatus();
      completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
      succeeded = st == null || st.getSucceeded() == null ? 0 : st.getSucceeded();
      failed = st == null || st.getFailed() == null ? 0 : st.getFailed();
      Optional<JobCondition> finished = finished(job);
      isReady = finished.map(c -> JOB_CONDITION_COMPLETE.equals(c.getType())).orElse(false);
      progressing = finished.isEmpty();
      readyReason = isReady ? Reasons.SUCCEEDED : progressing ? Reasons.RUNNING : Reasons.FAILED;
      readyMessage = succeeded + " of " + completions + " completions succeeded";
      if (blocker == null
          && finished.isPresent()
          && JOB_CONDITION_FAILED.equals(finished.get().getType())) {
        blocker =
            new Blocker(
                Reasons.JOB_FAILED,
                finished.get().getReason() + ": " + finished.get().getMessage());
      }
    }
    if (blocker == null && !isReady) {
      blocker = podBlocker(pods, eventsOfPod, now).orElse(null);
    }
    if (blocker != null && deployment == null && job == null) {
      readyReason = blocker.reason();
      readyMessage = blocker.message();
    }

    var conditions = new ArrayList<Conditions.Observed>();
    conditions.add(
        new Conditions.Observed(ConditionTypes.READY, isReady, readyReason, readyMessage));
    boolean blocked = blocker != null;
    conditions.add(
        new Conditions.Observed(
            ConditionTypes.PROGRESSING,
            progressing && !blocked,
            progressing ? (blocked ? Reasons.BLOCKED : Reasons.ROLLING_OUT) : Reasons.COMPLETE,
            progressing ? (blocked ? "blocked: " + blocker.message() : readyMessage) : null));
    conditions.add(
        blocked
            ? new Conditions.Observed(
                ConditionTypes.DEGRADED, true, blocker.reason(), blocker.message())
            : new Conditions.Observed(ConditionTypes.DEGRADED, false, Reasons.AS_EXPECTED, null));
    return new WorkloadStatus(
        generation,
        Conditions.merge(previous, conditions, generation, now),
        tier,
        environment,
        desired,
        ready,
        // How it scales is added by ScalingStatus, from the autoscaler.
        null,
        completions,
        succeeded,
        failed,
        // The inventory is what the reconciler applied, not something observed here.
        null,
        // The gates' report is bosun promote's, under its own field manager.
        null);
  }

  /**
   * What a Deployment says of its rollout to {@code desired} pods.
   *
   * @param ready pods of the current version that are ready
   * @param complete whether the controller has seen the current generation and exactly {@code
   *     desired} pods of it are ready, none of an older version left
   */
  record Rollout(int ready, boolean complete) {
    static Rollout of(Deployment deployment, int desired) {
      var st = deployment.getStatus();
      int updated = st == null || st.getUpdatedReplicas() == null ? 0 : st.getUpdatedReplicas();
      int readyNow = st == null || st.getReadyReplicas() == null ? 0 : st.getReadyReplicas();
      int total = st == null || st.getReplicas() == null ? 0 : st.getReplicas();
      long observed =
          st == null || st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
      boolean current =
          observed >= Optional.ofNullable(deployment.getMetadata().getGeneration()).orElse(0L);
      return new Rollout(
          Math.min(readyNow, updated),
          current && updated >= desired && readyNow >= desired && total <= desired);
    }
  }

  /** The Job's Complete or Failed condition, once it has one. */
  static Optional<JobCondition> finished(Job job) {
    var st = job.getStatus();
    return st == null
        ? Optional.empty()
        : st.getConditions().stream()
            .filter(
                c ->
                    "True".equals(c.getStatus())
                        && (JOB_CONDITION_COMPLETE.equals(c.getType())
                            || JOB_CONDITION_FAILED.equals(c.getType())))
            .findFirst();
  }

  /** A pod not yet running: unscheduled, or waiting for what it needs to start. */
  static boolean isPending(Pod pod) {
    return pod.getStatus() == null || "Pending".equals(pod.getStatus().getPhase());
  }

  private static int minimumReplicas(Workload workload) {
    var replicas = workload.getSpec() == null ? null : workload.getSpec().replicas();
    return replicas == null || replicas.min() == null ? 1 : replicas.min();
  }

  /**
   * The Deployment controller copies a ReplicaSet's failure to create pods (quota, admission) here.
   */
  static Optional<Blocker> quotaBlocker(Deployment deployment) {
    if (deployment.getStatus() == null) {
      return Optional.empty();
    }
    return deployment.getStatus().getConditions().stream()
        .filter(c -> DEPLOYMENT_REPLICA_FAILURE.equals(c.getType()) && "True".equals(c.getStatus()))
        .map(DeploymentCondition::getMessage)
        .filter(Objects::nonNull)
        .map(WorkloadObservation::creationBlocker)
        .findFirst();
  }

  private static Blocker creationBlocker(String message) {
    return message.contains("exceeded quota")
        ? new Blocker(Reasons.QUOTA_EXCEEDED, message)
        : new Blocker(Reasons.FAILED_CREATE, message);
  }

  /**
   * The scheduler's own words for a pod it cannot place, or a quota Event that keeps it pending.
   * Events are asked for only once a pod has waited {@link #PENDING_BEFORE_EVENTS}: a younger pod
   * is most likely still in the scheduler's queue.
   */
  static Optional<Blocker> podBlocker(
      Collection<Pod> pods, Function<Pod, List<Event>> eventsOfPod, Instant now) {
    List<Pod> pending =
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(WorkloadObservation::isPending)
            .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()))
            .toList();
    for (Pod pod : pending) {
      Optional<PodCondition> unschedulable =
          pod.getStatus() == null
              ? Optional.empty()
              : pod.getStatus().getConditions().stream()
                  .filter(
                      c ->
                          POD_SCHEDULED.equals(c.getType())
                              && "False".equals(c.getStatus())
                              && POD_UNSCHEDULABLE.equals(c.getReason()))
                  .findFirst();
      if (unschedulable.isPresent()) {
        return Optional.of(
            new Blocker(
                Reasons.UNSCHEDULABLE,
                "pod " + pod.getMetadata().getName() + ": " + unschedulable.get().getMessage()));
      }
    }
    for (Pod pod : pending) {
      if (!pendingSince(pod, now.minus(PENDING_BEFORE_EVENTS))) {
        continue;
      }
      Optional<Blocker> fromEvents =
          eventsOfPod.apply(pod).stream()
              .filter(e -> "Warning".equals(e.getType()) && e.getMessage() != null)
              .filter(
                  e ->
                      e.getMessage().contains("exceeded quota")
                          || e.getMessage().contains("forbidden"))
              .max(Comparator.comparing(e -> Optional.ofNullable(e.getLastTimestamp()).orElse("")))
              .map(
                  e ->
                      creationBlocker(
                          "pod " + pod.getMetadata().getName() + ": " + e.getMessage()));
      if (fromEvents.isPresent()) {
        return fromEvents;
      }
    }
    return Optional.empty();
  }

  /** Whether the pod was made before {@code instant}; a pod with no creation time counts as old. */
  private static boolean pendingSince(Pod pod, Instant instant) {
    String created = pod.getMetadata().getCreationTimestamp();
    return created == null || !Instant.parse(created).isAfter(instant);
  }
}

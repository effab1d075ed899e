package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadObservationTest {
  private static final Instant NOW = Instant.parse("2026-11-28T02:00:00Z");

  private static Workload workload(long generation) {
    Workload workload = Workloads.service("web", "cpu-s", 2, 2);
    workload.getMetadata().setGeneration(generation);
    workload.getMetadata().setNamespace("ns");
    return workload;
  }

  private static Deployment deployment(
      int desired, int updated, int ready, long generation, long observed) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .withGeneration(generation)
        .endMetadata()
        .withNewSpec()
        .withReplicas(desired)
        .endSpec()
        .withNewStatus()
        .withReplicas(updated)
        .withUpdatedReplicas(updated)
        .withReadyReplicas(ready)
        .withObservedGeneration(observed)
        .endStatus()
        .build();
  }

  private static WorkloadStatus observe(
      Workload w, WorkloadObservation.Blocker blocker, Deployment d, List<Pod> pods) {
    return WorkloadObservation.status(
        w, "cpu-s", "staging", blocker, d, null, pods, p -> List.of(), NOW);
  }

  private static Condition condition(WorkloadStatus status, String type) {
    return Conditions.find(status.conditions(), type);
  }

  @Test
  void readyWhenEveryReplicaOfTheCurrentVersionIsReady() {
    var status = observe(workload(3), null, deployment(2, 2, 2, 5, 5), List.of());
    assertThat(condition(status, ConditionTypes.READY).status()).isEqualTo("True");
    assertThat(condition(status, ConditionTypes.PROGRESSING).status()).isEqualTo("False");
    assertThat(condition(status, ConditionTypes.DEGRADED).status()).isEqualTo("False");
    assertThat(status.observedGeneration()).isEqualTo(3);
    assertThat(status.conditions()).allMatch(c -> c.observedGeneration() == 3);
    assertThat(status.readyReplicas()).isEqualTo(2);
    assertThat(status.desiredReplicas()).isEqualTo(2);
    assertThat(status.tier()).isEqualTo("cpu-s");
    assertThat(status.environment()).isEqualTo("staging");
  }

  /** Before the HPA's first sync its Deployment runs the API server's default of one replica. */
  @Test
  void anAutoscaledWorkloadIsNotReadyBelowItsMinimum() {
    Workload autoscaled = Workloads.service("web", "cpu-s", 3, 6);
    autoscaled.getMetadata().setGeneration(1L);
    var oneReplica = deployment(1, 1, 1, 1, 1);
    var status = observe(autoscaled, null, oneReplica, List.of());
    assertThat(condition(status, ConditionTypes.READY).status()).isEqualTo("False");
    assertThat(condition(status, ConditionTypes.READY).message())
        .isEqualTo("1 of 3 replicas ready");
    assertThat(status.desiredReplicas()).isEqualTo(3);

    var scaledUp = observe(autoscaled, null, deployment(4, 4, 4, 2, 2), List.of());
    assertThat(condition(scaledUp, ConditionTypes.READY).status()).isEqualTo("True");
    assertThat(scaledUp.desiredReplicas()).isEqualTo(4);
  }

  @Test
  void notReadyWhileTheDeploymentControllerHasNotSeenTheNewSpec() {
    var status = observe(workload(1), null, deployment(2, 2, 2, 6, 5), List.of());
    assertThat(condition(status, ConditionTypes.READY).status()).isEqualTo("False");
    assertThat(condition(status, ConditionTypes.PROGRESSING).reason())
        .isEqualTo(Reasons.ROLLING_OUT);
  }

  @Test
  void anUnschedulablePodGivesTheSchedulersMessage() {
    Pod pending =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .endMetadata()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType(WorkloadObservation.POD_SCHEDULED)
            .withStatus("False")
            .withReason(WorkloadObservation.POD_UNSCHEDULABLE)
            .withMessage("0/4 nodes are available: 4 cannot allocate all claims.")
            .endCondition()
            .endStatus()
            .build();
    var status = observe(workload(1), null, deployment(1, 1, 0, 1, 1), List.of(pending));
    assertThat(condition(status, ConditionTypes.DEGRADED).reason())
        .isEqualTo(Reasons.UNSCHEDULABLE);
    assertThat(condition(status, ConditionTypes.DEGRADED).message())
        .isEqualTo("pod web-1: 0/4 nodes are available: 4 cannot allocate all claims.");
    assertThat(condition(status, ConditionTypes.PROGRESSING).reason()).isEqualTo(Reasons.BLOCKED);
  }

  @Test
  void aReplicaFailureForQuotaIsQuotaExceeded() {
    Deployment d = deployment(2, 1, 1, 1, 1);
    d.getStatus()
        .getConditions()
        .add(
            new DeploymentConditionBuilder()
                .withType(WorkloadObservation.DEPLOYMENT_REPLICA_FAILURE)
                .withStatus("True")
                .withReason("FailedCreate")
                .withMessage(
                    "pods \"web-2\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1")
                .build());
    var status = observe(workload(1), null, d, List.of());
    assertThat(condition(status, ConditionTypes.DEGRADED).reason())
        .isEqualTo(Reasons.QUOTA_EXCEEDED);
  }

  @Test
  void aQuotaEventOnAPendingPodIsQuotaExceeded() {
    Pod pending =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .endMetadata()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    var event =
        new EventBuilder()
            .withType("Warning")
            .withReason("FailedResourceClaimCreation")
            .withMessage(
                "PodResourceClaim gpu: resourceclaims.resource.k8s.io is forbidden: exceeded quota: bosun-gpu-quota")
            .build();
    var status =
        WorkloadObservation.status(
            workload(1),
            "gpu-m",
            null,
            null,
            deployment(2, 2, 1, 1, 1),
            null,
            List.of(pending),
            p -> List.of(event),
            NOW);
    assertThat(condition(status, ConditionTypes.DEGRADED).reason())
        .isEqualTo(Reasons.QUOTA_EXCEEDED);
    assertThat(condition(status, ConditionTypes.DEGRADED).message())
        .startsWith("pod web-1: ")
        .contains("exceeded quota");
  }

  @Test
  void anInvalidSpecWithNoChildrenIsNotReadyForThatReason() {
    var blocker =
        new WorkloadObservation.Blocker(
            Reasons.INVALID_SPEC, "spec.image: production requires a digest");
    var status = observe(workload(2), blocker, null, List.of());
    assertThat(condition(status, ConditionTypes.READY).reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(condition(status, ConditionTypes.DEGRADED).message())
        .isEqualTo("spec.image: production requires a digest");
  }

  @Test
  void aJobReportsProgressAndItsFailure() {
    var job =
        new JobBuilder()
            .withNewSpec()
            .withCompletions(4)
            .endSpec()
            .withNewStatus()
            .withSucceeded(1)
            .withFailed(4)
            .addNewCondition()
            .withType(WorkloadObservation.JOB_CONDITION_FAILED)
            .withStatus("True")
            .withReason("BackoffLimitExceeded")
            .withMessage("Job has reached the specified backoff limit")
            .endCondition()
            .endStatus()
            .build();
    var status =
        WorkloadObservation.status(
            workload(1), "cpu-s", null, null, null, job, List.of(), p -> List.of(), NOW);
    assertThat(status.completions()).isEqualTo(4);
    assertThat(status.succeeded()).isEqualTo(1);
    assertThat(status.failed()).isEqualTo(4);
    assertThat(condition(status, ConditionTypes.DEGRADED).reason()).isEqualTo(Reasons.JOB_FAILED);
    assertThat(condition(status, ConditionTypes.PROGRESSING).status()).isEqualTo("False");
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    Workload w = workload(1);
    w.setStatus(observe(w, null, deployment(2, 2, 2, 1, 1), List.of()));
    var later =
        WorkloadObservation.status(
            w,
            "cpu-s",
            "staging",
            null,
            deployment(2, 2, 2, 1, 1),
            null,
            List.of(),
            p -> List.of(),
            NOW.plusSeconds(60));
    assertThat(later).isEqualTo(w.getStatus());
    var broken =
        WorkloadObservation.status(
            w,
            "cpu-s",
            "staging",
            null,
            deployment(2, 2, 1, 1, 1),
            null,
            List.of(),
            p -> List.of(),
            NOW.plusSeconds(60));
    assertThat(condition(broken, ConditionTypes.READY).lastTransitionTime())
        .isEqualTo("2026-11-28T02:01:00Z");
  }
}

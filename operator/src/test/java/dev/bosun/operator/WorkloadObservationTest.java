package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Condition;
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
      Workload w, WorkloadObservation.Problem problem, Deployment d, List<Pod> pods) {
    return WorkloadObservation.status(
        w, "cpu-s", "staging", problem, d, null, pods, p -> List.of(), NOW);
  }

  private static Condition condition(WorkloadStatus status, String type) {
    return Conditions.find(status.conditions(), type);
  }

  @Test
  void readyWhenEveryReplicaOfTheCurrentVersionIsReady() {
    var status = observe(workload(3), null, deployment(2, 2, 2, 5, 5), List.of());
    assertThat(condition(status, "Ready").status()).isEqualTo("True");
    assertThat(condition(status, "Progressing").status()).isEqualTo("False");
    assertThat(condition(status, "Degraded").status()).isEqualTo("False");
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
    assertThat(condition(status, "Ready").status()).isEqualTo("False");
    assertThat(condition(status, "Ready").message()).isEqualTo("1 of 3 replicas ready");
    assertThat(status.desiredReplicas()).isEqualTo(3);

    var scaledUp = observe(autoscaled, null, deployment(4, 4, 4, 2, 2), List.of());
    assertThat(condition(scaledUp, "Ready").status()).isEqualTo("True");
    assertThat(scaledUp.desiredReplicas()).isEqualTo(4);
  }

  @Test
  void notReadyWhileTheDeploymentControllerHasNotSeenTheNewSpec() {
    var status = observe(workload(1), null, deployment(2, 2, 2, 6, 5), List.of());
    assertThat(condition(status, "Ready").status()).isEqualTo("False");
    assertThat(condition(status, "Progressing").reason()).isEqualTo("RollingOut");
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
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/4 nodes are available: 4 cannot allocate all claims.")
            .endCondition()
            .endStatus()
            .build();
    var status = observe(workload(1), null, deployment(1, 1, 0, 1, 1), List.of(pending));
    assertThat(condition(status, "Degraded").reason()).isEqualTo(WorkloadObservation.UNSCHEDULABLE);
    assertThat(condition(status, "Degraded").message())
        .isEqualTo("pod web-1: 0/4 nodes are available: 4 cannot allocate all claims.");
    assertThat(condition(status, "Progressing").reason()).isEqualTo("Blocked");
  }

  @Test
  void aReplicaFailureForQuotaIsQuotaExceeded() {
    Deployment d = deployment(2, 1, 1, 1, 1);
    d.getStatus()
        .getConditions()
        .add(
            new DeploymentConditionBuilder()
                .withType("ReplicaFailure")
                .withStatus("True")
                .withReason("FailedCreate")
                .withMessage(
                    "pods \"web-2\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1")
                .build());
    var status = observe(workload(1), null, d, List.of());
    assertThat(condition(status, "Degraded").reason())
        .isEqualTo(WorkloadObservation.QUOTA_EXCEEDED);
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
    assertThat(condition(status, "Degraded").reason())
        .isEqualTo(WorkloadObservation.QUOTA_EXCEEDED);
    assertThat(condition(status, "Degraded").message())
        .startsWith("pod web-1: ")
        .contains("exceeded quota");
  }

  @Test
  void anInvalidSpecWithNoChildrenIsNotReadyForThatReason() {
    var problem =
        new WorkloadObservation.Problem(
            WorkloadObservation.INVALID_SPEC, "spec.image: production requires a digest");
    var status = observe(workload(2), problem, null, List.of());
    assertThat(condition(status, "Ready").reason()).isEqualTo(WorkloadObservation.INVALID_SPEC);
    assertThat(condition(status, "Degraded").message())
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
            .withType("Failed")
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
    assertThat(condition(status, "Degraded").reason()).isEqualTo(WorkloadObservation.JOB_FAILED);
    assertThat(condition(status, "Progressing").status()).isEqualTo("False");
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
    assertThat(condition(broken, "Ready").lastTransitionTime()).isEqualTo("2026-11-28T02:01:00Z");
  }
}

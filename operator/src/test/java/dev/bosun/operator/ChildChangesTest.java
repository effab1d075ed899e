package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which child updates wake a Workload, as a table: each row a change from one version of a child to
 * the next, and whether it must reconcile. Every row holds for the cached shape too, since the
 * informers hand the filters shaped objects.
 */
class ChildChangesTest {

  /** A Deployment of one replica as the API server stores it right after the operator's apply. */
  private static final Deployment APPLIED =
      new DeploymentBuilder()
          .withNewMetadata()
          .withName("web")
          .withGeneration(1L)
          .withResourceVersion("10")
          .endMetadata()
          .withNewSpec()
          .withReplicas(1)
          .endSpec()
          .build();

  /** What the Deployment controller writes next: a ReplicaSet made, one pod not yet ready. */
  private static final Deployment ROLLING_OUT =
      edit(
          APPLIED,
          d ->
              new DeploymentBuilder(d)
                  .editMetadata()
                  .withResourceVersion("11")
                  .endMetadata()
                  .withNewStatus()
                  .withObservedGeneration(1L)
                  .withReplicas(1)
                  .withUpdatedReplicas(1)
                  .withUnavailableReplicas(1)
                  .addNewCondition()
                  .withType("Progressing")
                  .withStatus("True")
                  .withReason("NewReplicaSetCreated")
                  .withLastUpdateTime("2026-12-01T06:00:00Z")
                  .endCondition()
                  .endStatus()
                  .build());

  static Stream<Arguments> deploymentChanges() {
    return Stream.of(
        Arguments.of("the controller picks it up, no pod ready", APPLIED, ROLLING_OUT, false),
        Arguments.of(
            "a condition's time moves",
            ROLLING_OUT,
            edit(
                ROLLING_OUT,
                d ->
                    new DeploymentBuilder(d)
                        .editStatus()
                        .editFirstCondition()
                        .withLastUpdateTime("2026-12-01T06:00:05Z")
                        .withReason("ReplicaSetUpdated")
                        .endCondition()
                        .endStatus()
                        .build()),
            false),
        Arguments.of(
            "the pod is ready",
            ROLLING_OUT,
            edit(
                ROLLING_OUT,
                d ->
                    new DeploymentBuilder(d)
                        .editStatus()
                        .withReadyReplicas(1)
                        .withAvailableReplicas(1)
                        .withUnavailableReplicas(null)
                        .endStatus()
                        .build()),
            true),
        Arguments.of(
            "someone edits its spec",
            ROLLING_OUT,
            edit(
                ROLLING_OUT,
                d ->
                    new DeploymentBuilder(d)
                        .editMetadata()
                        .withGeneration(2L)
                        .endMetadata()
                        .build()),
            true),
        Arguments.of(
            "an autoscaler changes the replicas",
            ROLLING_OUT,
            edit(
                ROLLING_OUT,
                d ->
                    new DeploymentBuilder(d)
                        .editMetadata()
                        .withGeneration(2L)
                        .endMetadata()
                        .editSpec()
                        .withReplicas(3)
                        .endSpec()
                        .build()),
            true),
        Arguments.of(
            "quota refuses a pod",
            ROLLING_OUT,
            edit(
                ROLLING_OUT,
                d ->
                    new DeploymentBuilder(d)
                        .editStatus()
                        .addNewCondition()
                        .withType(WorkloadObservation.DEPLOYMENT_REPLICA_FAILURE)
                        .withStatus("True")
                        .withMessage("pods \"web-1\" is forbidden: exceeded quota: gpu")
                        .endCondition()
                        .endStatus()
                        .build()),
            true),
        Arguments.of(
            "it is being deleted",
            ROLLING_OUT,
            edit(
                ROLLING_OUT,
                d ->
                    new DeploymentBuilder(d)
                        .editMetadata()
                        .withDeletionTimestamp("2026-12-01T06:01:00Z")
                        .endMetadata()
                        .build()),
            true));
  }

  @ParameterizedTest(name = "{0}: reconcile {3}")
  @MethodSource("deploymentChanges")
  void deployment(String change, Deployment before, Deployment after, boolean reconcile) {
    assertThat(ChildChanges.deployment(after, before)).isEqualTo(reconcile);
    assertThat(
            ChildChanges.deployment(
                CachedShapes.deployment(Serialization.clone(after)),
                CachedShapes.deployment(Serialization.clone(before))))
        .isEqualTo(reconcile);
  }

  private static final Job RUNNING =
      new JobBuilder()
          .withNewMetadata()
          .withName("train")
          .withGeneration(1L)
          .endMetadata()
          .withNewSpec()
          .withCompletions(1)
          .endSpec()
          .withNewStatus()
          .withActive(1)
          .endStatus()
          .build();

  static Stream<Arguments> jobChanges() {
    return Stream.of(
        Arguments.of(
            "its pod becomes ready",
            RUNNING,
            edit(RUNNING, j -> new JobBuilder(j).editStatus().withReady(1).endStatus().build()),
            false),
        Arguments.of(
            "its pod succeeds",
            RUNNING,
            edit(
                RUNNING,
                j ->
                    new JobBuilder(j)
                        .editStatus()
                        .withActive(0)
                        .withSucceeded(1)
                        .endStatus()
                        .build()),
            true),
        Arguments.of(
            "it completes",
            RUNNING,
            edit(
                RUNNING,
                j ->
                    new JobBuilder(j)
                        .editStatus()
                        .addNewCondition()
                        .withType(WorkloadObservation.JOB_CONDITION_COMPLETE)
                        .withStatus("True")
                        .endCondition()
                        .endStatus()
                        .build()),
            true),
        Arguments.of(
            "it fails",
            RUNNING,
            edit(
                RUNNING,
                j ->
                    new JobBuilder(j)
                        .editStatus()
                        .withFailed(3)
                        .addNewCondition()
                        .withType(WorkloadObservation.JOB_CONDITION_FAILED)
                        .withStatus("True")
                        .withReason("BackoffLimitExceeded")
                        .endCondition()
                        .endStatus()
                        .build()),
            true));
  }

  @ParameterizedTest(name = "{0}: reconcile {3}")
  @MethodSource("jobChanges")
  void job(String change, Job before, Job after, boolean reconcile) {
    assertThat(ChildChanges.job(after, before)).isEqualTo(reconcile);
    assertThat(
            ChildChanges.job(
                CachedShapes.job(Serialization.clone(after)),
                CachedShapes.job(Serialization.clone(before))))
        .isEqualTo(reconcile);
  }

  private static final Pod NEW_POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("web-abc")
          .endMetadata()
          .withNewSpec()
          .addNewContainer()
          .withName("app")
          .endContainer()
          .endSpec()
          .withNewStatus()
          .withPhase("Pending")
          .endStatus()
          .build();

  private static final Pod NEW_GPU_POD =
      edit(
          NEW_POD,
          p ->
              new PodBuilder(p)
                  .editSpec()
                  .addNewReadinessGate(ConditionTypes.GPU_HEALTHY_GATE)
                  .endSpec()
                  .build());

  static Stream<Arguments> podChanges() {
    return Stream.of(
        Arguments.of(
            "it is scheduled",
            NEW_POD,
            edit(NEW_POD, p -> withCondition(p, WorkloadObservation.POD_SCHEDULED, "True", null)),
            false),
        Arguments.of(
            "an unschedulable pod is placed after all",
            edit(
                NEW_POD,
                p ->
                    withCondition(
                        p,
                        WorkloadObservation.POD_SCHEDULED,
                        "False",
                        WorkloadObservation.POD_UNSCHEDULABLE)),
            edit(NEW_POD, p -> withCondition(p, WorkloadObservation.POD_SCHEDULED, "True", null)),
            true),
        Arguments.of(
            "the scheduler cannot place it",
            NEW_POD,
            edit(
                NEW_POD,
                p ->
                    withCondition(
                        p,
                        WorkloadObservation.POD_SCHEDULED,
                        "False",
                        WorkloadObservation.POD_UNSCHEDULABLE)),
            true),
        Arguments.of(
            "it starts running",
            edit(NEW_POD, p -> withCondition(p, WorkloadObservation.POD_SCHEDULED, "True", null)),
            edit(
                NEW_POD,
                p ->
                    new PodBuilder(
                            withCondition(p, WorkloadObservation.POD_SCHEDULED, "True", null))
                        .editStatus()
                        .withPhase("Running")
                        .endStatus()
                        .build()),
            false),
        Arguments.of(
            "its GPU gate is still closed",
            NEW_GPU_POD,
            edit(NEW_GPU_POD, p -> withCondition(p, "Initialized", "True", null)),
            true),
        Arguments.of(
            "its GPU gate was opened",
            NEW_GPU_POD,
            edit(NEW_GPU_POD, p -> withCondition(p, ConditionTypes.GPU_HEALTHY_GATE, "True", null)),
            false),
        Arguments.of(
            "its GPU gate was closed: its node's GPU report, not the pod, wakes the Workload",
            edit(NEW_GPU_POD, p -> withCondition(p, ConditionTypes.GPU_HEALTHY_GATE, "True", null)),
            edit(
                NEW_GPU_POD, p -> withCondition(p, ConditionTypes.GPU_HEALTHY_GATE, "False", null)),
            false),
        Arguments.of(
            "it is being deleted",
            NEW_POD,
            edit(
                NEW_POD,
                p ->
                    new PodBuilder(p)
                        .editMetadata()
                        .withDeletionTimestamp("2026-12-01T06:01:00Z")
                        .endMetadata()
                        .build()),
            true));
  }

  @ParameterizedTest(name = "{0}: reconcile {3}")
  @MethodSource("podChanges")
  void pod(String change, Pod before, Pod after, boolean reconcile) {
    assertThat(ChildChanges.pod(after, before)).isEqualTo(reconcile);
    assertThat(
            ChildChanges.pod(
                CachedShapes.pod(Serialization.clone(after)),
                CachedShapes.pod(Serialization.clone(before))))
        .isEqualTo(reconcile);
  }

  @ParameterizedTest(name = "a new pod wakes its Workload only to open its GPU gate: {1}")
  @MethodSource("newPods")
  void podAdded(Pod pod, boolean reconcile) {
    assertThat(ChildChanges.podAdded(pod)).isEqualTo(reconcile);
    assertThat(ChildChanges.podAdded(CachedShapes.pod(Serialization.clone(pod))))
        .isEqualTo(reconcile);
  }

  static Stream<Arguments> newPods() {
    return Stream.of(Arguments.of(NEW_POD, false), Arguments.of(NEW_GPU_POD, true));
  }

  private static Pod withCondition(Pod pod, String type, String status, String reason) {
    return new PodBuilder(pod)
        .editStatus()
        .addNewCondition()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .endCondition()
        .endStatus()
        .build();
  }

  private static <T> T edit(T object, UnaryOperator<T> change) {
    return change.apply(Serialization.clone(object));
  }
}

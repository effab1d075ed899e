package dev.bosun.operator;

import static dev.bosun.operator.ClusterWorkloads.awaitStatus;
import static dev.bosun.operator.ClusterWorkloads.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.Labels;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.QuarantineRules;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.SimulatedJobs;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11, item 4: a training pod evicted from a quarantined GPU by the kube-controller-manager's
 * device-taint eviction does not use up its Job's retries, and its replacement runs on another GPU.
 */
@ExtendWith(LocalClusterExtension.class)
class TrainingOnHealthyGpuIT {
  private static KubernetesClient admin;
  private String ruleName;

  @BeforeAll
  static void operator(SharedCluster cluster) {
    RunningOperator.ensureStarted(cluster);
    admin = cluster.client();
  }

  @AfterEach
  void deleteRule() {
    if (ruleName != null) {
      QuarantineRules.delete(admin, ruleName);
    }
  }

  @Test
  void aTrainingPodEvictedFromAQuarantinedGpuIsRetriedOnAnotherWithoutSpendingARetry(
      KubernetesClient client) {
    client.resource(Workloads.minimal("train", WorkloadType.Training, "gpu-m")).create();
    Pod first = awaitRunningPod(client, null);
    DeviceRequestAllocationResult held = device(client, first);
    var seen = new ConcurrentLinkedQueue<Pod>();
    try (Watch ignored = client.pods().withName(first.getMetadata().getName()).watch(into(seen))) {
      // A quarantine of the GPU that moves the pods off it. Not labelled as Bosun's: this test's
      // operator would lift a Bosun rule that no agent's report backs.
      ruleName =
          QuarantineRules.createForeign(
              admin, held.getPool(), held.getDevice(), "Xid79", "NoExecute");

      Pod second = awaitRunningPod(client, first.getMetadata().getUid());

      // The eviction said why, and the kubelet's part ended the pod as Failed.
      assertThat(seen)
          .anyMatch(
              pod ->
                  pod.getStatus().getConditions().stream()
                      .anyMatch(
                          c ->
                              c.getType().equals("DisruptionTarget")
                                  && c.getStatus().equals("True")
                                  && c.getReason().equals("DeletionByDeviceTaintManager")));
      assertThat(seen).anyMatch(pod -> "Failed".equals(pod.getStatus().getPhase()));
      DeviceRequestAllocationResult now = device(client, second);
      assertThat(now.getPool() + "/" + now.getDevice())
          .isNotEqualTo(held.getPool() + "/" + held.getDevice());
    }
    JobStatus evicted = job(client).getStatus();
    assertThat(Objects.requireNonNullElse(evicted.getFailed(), 0)).isZero();
    assertThat(evicted.getConditions()).noneMatch(c -> c.getType().equals("Failed"));

    SimulatedJobs.exit(client, awaitRunningPod(client, first.getMetadata().getUid()), 0);

    awaitStatus(client, "train", w -> is(w, ConditionTypes.READY, "True", Reasons.SUCCEEDED));
    JobStatus done = job(client).getStatus();
    assertThat(done.getSucceeded()).isEqualTo(1);
    assertThat(Objects.requireNonNullElse(done.getFailed(), 0)).isZero();
  }

  /** The Workload's running pod, other than the one with the given uid. */
  private static Pod awaitRunningPod(KubernetesClient client, String notUid) {
    return await("a running pod of the Job" + (notUid == null ? "" : " other than " + notUid))
        .atMost(ClusterWorkloads.CONVERGE)
        .until(
            () ->
                client.pods().withLabel(Labels.WORKLOAD, "train").list().getItems().stream()
                    .filter(p -> !p.getMetadata().getUid().equals(notUid))
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(p -> "Running".equals(p.getStatus().getPhase()))
                    .toList(),
            pods -> pods.size() == 1)
        .getFirst();
  }

  private static DeviceRequestAllocationResult device(KubernetesClient client, Pod pod) {
    String claim = pod.getStatus().getResourceClaimStatuses().getFirst().getResourceClaimName();
    List<DeviceRequestAllocationResult> results =
        client
            .resources(ResourceClaim.class)
            .withName(claim)
            .get()
            .getStatus()
            .getAllocation()
            .getDevices()
            .getResults();
    assertThat(results).hasSize(1);
    return results.getFirst();
  }

  private static Job job(KubernetesClient client) {
    return client
        .batch()
        .v1()
        .jobs()
        .withLabel(Labels.WORKLOAD, "train")
        .list()
        .getItems()
        .getFirst();
  }

  private static Watcher<Pod> into(ConcurrentLinkedQueue<Pod> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        seen.add(pod);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}

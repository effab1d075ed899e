package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Labels;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator stopped in the middle of a rollout and started again converges: nothing twice,
 * nothing orphaned, nothing left that the spec dropped meanwhile.
 */
@ExtendWith(LocalClusterExtension.class)
class OperatorRestartIT {
  private static final int WORKLOADS = Integer.getInteger("bosun.test.restartWorkloads", 200);
  private static SharedCluster cluster;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @Test
  void stoppedMidRolloutAndStartedAgainItConverges(KubernetesClient client) {
    ManyWorkloads.create(client, WORKLOADS, "cpu-s");
    // Stop once some, not all, are done.
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ManyWorkloads.ready(client) >= WORKLOADS / 10);
    RunningOperator.stop();
    long readyWhenStopped = ManyWorkloads.ready(client);
    assertThat(readyWhenStopped).isLessThan(WORKLOADS);

    // Meanwhile a Workload is deleted and one is changed: the new operator must notice both.
    client.resources(Workload.class).withName(ManyWorkloads.name(0)).delete();
    ClusterWorkloads.patchSpec(client, ManyWorkloads.name(1), "{\"size\":\"cpu-m\"}");
    RunningOperator.ensureStarted(cluster);

    await()
        .atMost(Duration.ofMinutes(6))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> ManyWorkloads.ready(client) == WORKLOADS - 1);
    assertThat(ClusterWorkloads.get(client, ManyWorkloads.name(1)).getStatus().tier())
        .isEqualTo("cpu-m");

    Set<String> uids =
        client.resources(Workload.class).list().getItems().stream()
            .map(w -> w.getMetadata().getUid())
            .collect(Collectors.toSet());
    for (var kind : ChildKinds.ALL) {
      var children = client.resources(kind).withLabel(Labels.WORKLOAD).list().getItems();
      // One of each kind per Workload, owned by a Workload that exists; the deleted one's are
      // collected.
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  client
                      .resources(kind)
                      .withLabel(Labels.WORKLOAD, ManyWorkloads.name(0))
                      .list()
                      .getItems()
                      .isEmpty());
      Map<String, Long> perOwner =
          children.stream()
              .filter(
                  c ->
                      !c.getMetadata()
                          .getLabels()
                          .get(Labels.WORKLOAD)
                          .equals(ManyWorkloads.name(0)))
              .collect(
                  Collectors.groupingBy(
                      c -> ((HasMetadata) c).getMetadata().getOwnerReferences().getFirst().getUid(),
                      Collectors.counting()));
      assertThat(perOwner.values()).as(kind.getSimpleName()).allMatch(n -> n == 1);
      assertThat(uids).as(kind.getSimpleName()).containsAll(perOwner.keySet());
    }
    assertThat(client.apps().deployments().withLabel(Labels.WORKLOAD).list().getItems())
        .hasSize(WORKLOADS - 1);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                client.pods().withLabel(Labels.WORKLOAD).list().getItems().stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .count()
                    == WORKLOADS - 1);
  }

  /**
   * A new operator knows nothing of what the last one applied but what each Workload's status
   * lists: an object the Workload stopped compiling to while no operator ran is still deleted.
   */
  @Test
  void whatLeftTheSpecWhileStoppedIsPrunedFromTheInventory(KubernetesClient client) {
    client.resource(Workloads.service("scaled", "cpu-s", 1, 3)).create();
    Workload ready =
        ClusterWorkloads.awaitStatus(
            client, "scaled", w -> ClusterWorkloads.is(w, ConditionTypes.READY, "True", null));
    assertThat(ready.getStatus().children())
        .extracting(ChildReference::kind)
        .contains("HorizontalPodAutoscaler", "Deployment");

    RunningOperator.stop();
    ClusterWorkloads.patchSpec(client, "scaled", "{\"replicas\":{\"min\":2,\"max\":2}}");
    RunningOperator.ensureStarted(cluster);

    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .until(
            () -> client.resources(HorizontalPodAutoscaler.class).withName("scaled").get() == null);
    Workload pruned =
        ClusterWorkloads.awaitStatus(
            client,
            "scaled",
            w ->
                w.getStatus().children().stream()
                    .noneMatch(c -> c.kind().equals("HorizontalPodAutoscaler")));
    assertThat(pruned.getStatus().children())
        .extracting(ChildReference::kind)
        .containsExactlyInAnyOrder(
            "ServiceAccount", "NetworkPolicy", "Service", "Deployment", "PodDisruptionBudget");
  }
}

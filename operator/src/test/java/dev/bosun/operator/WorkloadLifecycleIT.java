package dev.bosun.operator;

import static dev.bosun.operator.ClusterWorkloads.awaitStatus;
import static dev.bosun.operator.ClusterWorkloads.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Labels;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalClusterExtension.class)
class WorkloadLifecycleIT {
  private static OperatorMain operator;

  @BeforeAll
  static void operator(SharedCluster cluster) {
    operator = RunningOperator.ensureStarted(cluster);
  }

  @Test
  void createReadyChangeTierAutoscaleAndDelete(KubernetesClient client) throws Exception {
    client.resource(Workloads.service("web", "cpu-s", 2, 2)).create();

    // Created: every child exists, owned by the Workload, and the KWOK pods make it Ready.
    Workload ready =
        awaitStatus(
            client, "web", w -> is(w, ConditionTypes.READY, "True", Reasons.REPLICAS_READY));
    assertThat(ready.getStatus().tier()).isEqualTo("cpu-s");
    assertThat(ready.getStatus().desiredReplicas()).isEqualTo(2);
    assertThat(ready.getStatus().readyReplicas()).isEqualTo(2);
    assertThat(is(ready, ConditionTypes.PROGRESSING, "False", Reasons.COMPLETE)).isTrue();
    assertThat(is(ready, ConditionTypes.DEGRADED, "False", Reasons.AS_EXPECTED)).isTrue();
    assertThat(kinds(client))
        .containsExactlyInAnyOrder(
            "ServiceAccount/web",
            "NetworkPolicy/web",
            "Service/web",
            "Deployment/web",
            "PodDisruptionBudget/web");
    // The status lists what was applied: what pruning will work from.
    assertThat(ready.getStatus().children())
        .extracting(c -> c.kind() + "/" + c.name())
        .containsExactlyInAnyOrderElementsOf(kinds(client));
    assertThat(ownedChildren(client))
        .allSatisfy(
            child ->
                assertThat(child.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(
                        ref -> {
                          assertThat(ref.getUid()).isEqualTo(ready.getMetadata().getUid());
                          assertThat(ref.getController()).isTrue();
                        }));

    // A bigger tier: the Deployment rolls out pods with the new resources.
    long generationBefore = deployment(client).getMetadata().getGeneration();
    ClusterWorkloads.patchSpec(client, "web", "{\"size\":\"cpu-m\"}");
    Workload moved =
        awaitStatus(
            client,
            "web",
            w -> "cpu-m".equals(w.getStatus().tier()) && is(w, ConditionTypes.READY, "True", null));
    assertThat(moved.getStatus().readyReplicas()).isEqualTo(2);
    Deployment rolled = deployment(client);
    assertThat(rolled.getMetadata().getGeneration()).isGreaterThan(generationBefore);
    assertThat(rolled.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(Labels.TIER, "cpu-m");
    assertThat(
            rolled
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getResources()
                .getLimits()
                .get("cpu")
                .toString())
        .isNotEqualTo("500m");

    // min < max brings an autoscaler; min == max prunes it again.
    ClusterWorkloads.patchSpec(client, "web", "{\"replicas\":{\"min\":2,\"max\":5}}");
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .until(() -> client.resources(HorizontalPodAutoscaler.class).withName("web").get() != null);
    ClusterWorkloads.patchSpec(client, "web", "{\"replicas\":{\"min\":3,\"max\":3}}");
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .until(() -> client.resources(HorizontalPodAutoscaler.class).withName("web").get() == null);
    awaitStatus(
        client,
        "web",
        w -> is(w, ConditionTypes.READY, "True", null) && w.getStatus().desiredReplicas() == 3);

    // Deleted: the garbage collector removes every child through the owner references, and the
    // operator forgets the Workload on its delete event.
    double remembered = remembered();
    client.resources(Workload.class).withName("web").delete();
    await().atMost(ClusterWorkloads.CONVERGE).until(() -> remembered() == remembered - 1);
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .until(
            () ->
                ownedChildren(client).isEmpty()
                    && client.pods().withLabel(Labels.WORKLOAD, "web").list().getItems().isEmpty());
  }

  private static Deployment deployment(KubernetesClient client) {
    return client.apps().deployments().withName("web").get();
  }

  static List<HasMetadata> ownedChildren(KubernetesClient client) {
    return ChildKinds.ALL.stream()
        .flatMap(
            kind ->
                client.resources(kind).withLabel(Labels.WORKLOAD, "web").list().getItems().stream())
        .map(HasMetadata.class::cast)
        .toList();
  }

  private static List<String> kinds(KubernetesClient client) {
    return ownedChildren(client).stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .collect(Collectors.toList());
  }

  private static double remembered() throws IOException, InterruptedException {
    return OperatorHttp.sum(operator, "bosun_operator_workloads_remembered");
  }
}

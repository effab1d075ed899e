package dev.bosun.operator;

import static dev.bosun.operator.ClusterWorkloads.awaitStatus;
import static dev.bosun.operator.ClusterWorkloads.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalClusterExtension.class)
class DriftIT {

  @BeforeAll
  static void operator(SharedCluster cluster) {
    RunningOperator.ensureStarted(cluster);
  }

  @Test
  void aManagedFieldEditedByHandIsPutBackAndForeignFieldsStay(KubernetesClient client) {
    client.resource(Workloads.service("api", "cpu-s", 1, 1)).create();
    awaitStatus(client, "api", w -> is(w, ConditionTypes.READY, "True", null));
    Deployment original = client.apps().deployments().withName("api").get();
    String container =
        original.getSpec().getTemplate().getSpec().getContainers().getFirst().getName();
    String image = original.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();

    // Someone edits the image Bosun set, and adds an annotation Bosun knows nothing of.
    client
        .apps()
        .deployments()
        .withName("api")
        .patch(
            PatchContext.of(PatchType.STRATEGIC_MERGE),
            """
        {"metadata":{"annotations":{"team.example.com/owner":"alice"}},
         "spec":{"template":{"spec":{"containers":[{"name":"%s","image":"registry.example.com/evil:latest"}]}}}}
        """
                .formatted(container));

    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .untilAsserted(
            () -> {
              Deployment now = client.apps().deployments().withName("api").get();
              assertThat(
                      now.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
                  .isEqualTo(image);
              assertThat(now.getMetadata().getAnnotations())
                  .containsEntry("team.example.com/owner", "alice");
              assertThat(now.getMetadata().getGeneration())
                  .isGreaterThan(original.getMetadata().getGeneration());
            });
    awaitStatus(client, "api", w -> is(w, ConditionTypes.READY, "True", null));
  }
}

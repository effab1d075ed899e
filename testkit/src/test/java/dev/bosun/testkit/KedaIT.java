package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.Keda;
import dev.bosun.localcluster.KedaBinaries;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * KEDA's whole loop on the local cluster, without Bosun: a ScaledObject with KEDA's built-in cron
 * trigger → the operator makes the HPA {@code keda-hpa-<name>} → kube-controller-manager's HPA
 * controller reads the external metric through the aggregated API served by keda-adapter → the
 * Deployment reaches the trigger's replicas, whose pods KWOK makes Ready. With the adapter stopped,
 * the HPA cannot read the metric: it says so (ScalingActive False) and keeps the replicas.
 */
@ExtendWith(LocalClusterExtension.class)
class KedaIT {

  private static final String APP = "cron-app";
  private static final int DESIRED = 3;

  /** KEDA's activation (its polling, 5 s here) and two HPA syncs (15 s each), with room. */
  private static final Duration SCALED_WITHIN = Duration.ofMinutes(3);

  /** Longer than two HPA syncs: time enough for a wrong scale-down to show. */
  private static final Duration KEPT_FOR = Duration.ofSeconds(40);

  private static Keda keda;
  private static boolean startedHere;

  @BeforeAll
  static void startKeda(SharedCluster cluster) {
    keda =
        new Keda(
            KedaBinaries.ensureBuilt(line -> System.err.println("[keda build] " + line)),
            cluster.cluster());
    startedHere =
        keda.start(cluster.client(), line -> System.err.println("[keda] " + line)).startedNow();
  }

  /** Leaves KEDA as the run found it: the test stops the adapter. */
  @AfterAll
  static void leaveKedaAsFound(SharedCluster cluster) {
    if (startedHere) {
      keda.stop(cluster.client());
    } else {
      keda.start(cluster.client(), line -> System.err.println("[keda] " + line));
    }
  }

  /**
   * KEDA's finalizer holds a ScaledObject until the operator lets it go: deleted while the operator
   * runs, so that the namespace can go once the test ends.
   */
  @AfterEach
  void deleteTheScaledObject(KubernetesClient client) {
    var scaledObjects = client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject");
    scaledObjects.withName(APP).delete();
    await("ScaledObject " + APP + " deleted")
        .atMost(Duration.ofSeconds(60))
        .until(() -> scaledObjects.withName(APP).get() == null);
  }

  @Test
  void aCronTriggerScalesTheDeploymentAndAStoppedAdapterKeepsItsReplicas(
      KubernetesClient client, TestNamespace namespace, SharedCluster cluster) {
    client.resource(deployment()).create();
    client.resource(scaledObject(namespace.name())).create();

    await("keda-hpa-" + APP + " made by KEDA")
        .atMost(SCALED_WITHIN)
        .until(() -> hpa(client) != null);
    await(APP + " at " + DESIRED + " Ready replicas")
        .atMost(SCALED_WITHIN)
        .until(() -> readyReplicas(client) == DESIRED && specReplicas(client) == DESIRED);

    new BackgroundProcesses(cluster.cluster().home()).stop(Keda.ADAPTER, Duration.ofSeconds(10));

    var scalingActive =
        await("the HPA reporting that it cannot read the metric")
            .atMost(SCALED_WITHIN)
            .until(
                () -> condition(hpa(client), "ScalingActive"),
                c -> c.isPresent() && "False".equals(c.get().getStatus()));
    assertThat(scalingActive.orElseThrow().getReason()).isEqualTo("FailedGetExternalMetric");
    await(APP + " keeping " + DESIRED + " replicas without its metric")
        .during(KEPT_FOR)
        .atMost(KEPT_FOR.plusSeconds(30))
        .until(() -> specReplicas(client) == DESIRED);
  }

  private static Deployment deployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(APP)
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .addToMatchLabels("app", APP)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", APP)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("registry.example.com/acme/app:1.0")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A daily window from an hour ago to an hour from now, so it covers the whole test at any time of
   * day: KEDA's cron trigger is active while the window's next end comes before its next start.
   */
  private static GenericKubernetesResource scaledObject(String namespace) {
    var now = ZonedDateTime.now(ZoneOffset.UTC);
    var start = now.minusHours(1);
    var end = now.plusHours(1);
    var scaledObject = new GenericKubernetesResource();
    scaledObject.setApiVersion("keda.sh/v1alpha1");
    scaledObject.setKind("ScaledObject");
    scaledObject.setMetadata(
        new ObjectMetaBuilder().withName(APP).withNamespace(namespace).build());
    scaledObject.setAdditionalProperty(
        "spec",
        Map.of(
            "scaleTargetRef", Map.of("name", APP),
            "minReplicaCount", 0,
            "maxReplicaCount", 5,
            "pollingInterval", 5,
            "triggers",
                List.of(
                    Map.of(
                        "type",
                        "cron",
                        "metadata",
                        Map.of(
                            "timezone", "Etc/UTC",
                            "start", daily(start),
                            "end", daily(end),
                            "desiredReplicas", Integer.toString(DESIRED))))));
    return scaledObject;
  }

  private static String daily(ZonedDateTime at) {
    return at.getMinute() + " " + at.getHour() + " * * *";
  }

  private static HorizontalPodAutoscaler hpa(KubernetesClient client) {
    return client.autoscaling().v2().horizontalPodAutoscalers().withName("keda-hpa-" + APP).get();
  }

  private static Optional<HorizontalPodAutoscalerCondition> condition(
      HorizontalPodAutoscaler hpa, String type) {
    if (hpa == null || hpa.getStatus() == null || hpa.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return hpa.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static int specReplicas(KubernetesClient client) {
    return Optional.ofNullable(
            client.apps().deployments().withName(APP).get().getSpec().getReplicas())
        .orElse(0);
  }

  private static int readyReplicas(KubernetesClient client) {
    var status = client.apps().deployments().withName(APP).get().getStatus();
    return status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
  }
}

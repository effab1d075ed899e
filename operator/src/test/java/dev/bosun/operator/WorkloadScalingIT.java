package dev.bosun.operator;

import static dev.bosun.operator.ClusterWorkloads.awaitStatus;
import static dev.bosun.operator.ClusterWorkloads.condition;
import static dev.bosun.operator.ClusterWorkloads.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentAutoscaling;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScaleOn;
import dev.bosun.api.v1alpha1.ScaleSignal;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.ScalingPolicy;
import dev.bosun.api.v1alpha1.ScalingRules;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierResources;
import dev.bosun.api.v1alpha1.TierSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.localcluster.MetricsServer;
import dev.bosun.localcluster.ModelServerPlan;
import dev.bosun.localcluster.ToolBinary;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tier owns autoscaling: its thresholds shape the autoscaler a running Workload gets and
 * follows, its bounds reject a Workload that asks for more, and a cluster without what it asks for
 * gets a valid HPA and a status that says so; an HPA on cpu scales on the usage KWOK reports.
 */
@ExtendWith(LocalClusterExtension.class)
// KEDA's CRD, once installed, stays for the rest of the run: the test without it goes first.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadScalingIT {
  /** KEDA's own ScaledObject CRD, from the Go module the local cluster's KEDA is built from. */
  private static final Path KEDA_CRD =
      Path.of(
          System.getProperty("user.home"),
          "go/pkg/mod/github.com/kedacore/keda/v2@v2.21.0/config/crd/bases/keda.sh_scaledobjects.yaml");

  private static KubernetesClient admin;
  private final List<Runnable> cleanups = new ArrayList<>();

  @BeforeAll
  static void operator(SharedCluster cluster) {
    RunningOperator.ensureStarted(cluster);
    admin = cluster.client();
  }

  @AfterEach
  void cleanUp() {
    cleanups.forEach(Runnable::run);
  }

  /** A CPU tier whose Services scale on the given signals, up to 10 replicas. */
  private Tier tier(TestNamespace namespace, int scaleDownWindow, ScaleSignal... signals) {
    var tier = new Tier();
    tier.setMetadata(new ObjectMetaBuilder().withName("scaling-" + namespace.name()).build());
    tier.setSpec(
        new TierSpecBuilder()
            .withDescription("A CPU tier of this test")
            .withResources(new TierResources("100m", "128Mi", null))
            .withScaling(
                List.of(
                    new ScalingPolicy(
                        WorkloadType.Service,
                        List.of(signals),
                        10,
                        null,
                        new ScalingRules(scaleDownWindow, 1, null, 60),
                        null)))
            .build());
    return tier;
  }

  private void apply(Tier tier) {
    admin.resource(tier).serverSideApply();
    cleanups.add(() -> admin.resource(tier).delete());
  }

  private static HorizontalPodAutoscaler hpa(KubernetesClient client) {
    return client.resources(HorizontalPodAutoscaler.class).withName("web").get();
  }

  /** Waits for the Workload's HPA to scale on cpu to {@code target} with that scale-down window. */
  private static void awaitCpuHpa(KubernetesClient client, int target, int scaleDownWindow) {
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var spec = hpa(client).getSpec();
              assertThat(spec.getMetrics().getFirst().getResource().getTarget())
                  .satisfies(t -> assertThat(t.getAverageUtilization()).isEqualTo(target));
              assertThat(spec.getBehavior().getScaleDown().getStabilizationWindowSeconds())
                  .isEqualTo(scaleDownWindow);
            });
  }

  @Test
  void aTiersThresholdsShapeTheAutoscalerAndARunningWorkloadFollowsAChange(
      KubernetesClient client, TestNamespace namespace) {
    Tier tier = tier(namespace, 120, new ScaleSignal(ScaleMetric.cpu, 60));
    apply(tier);
    client.resource(Workloads.service("web", tier.getMetadata().getName(), 1, 4)).create();
    awaitCpuHpa(client, 60, 120);

    // The platform team raises the target and slows scale-down: the running Workload follows.
    apply(tier(namespace, 300, new ScaleSignal(ScaleMetric.cpu, 75)));
    awaitCpuHpa(client, 75, 300);
    var workload =
        awaitStatus(
            client,
            "web",
            w -> w.getStatus().scaling() != null && w.getStatus().scaling().target() == 75);
    assertThat(workload.getStatus().scaling().metric()).isEqualTo(ScaleMetric.cpu);
    assertThat(workload.getStatus().scaling().maxReplicas()).isEqualTo(4);
  }

  @Test
  void aWorkloadAskingMoreThanItsTierAllowsIsRejectedNamingTheBound(
      KubernetesClient client, TestNamespace namespace) {
    Tier tier = tier(namespace, 300, new ScaleSignal(ScaleMetric.cpu, 70));
    apply(tier);
    String name = tier.getMetadata().getName();
    client.resource(Workloads.service("web", name, 1, 20)).create();

    var workload =
        awaitStatus(
            client, "web", w -> is(w, ConditionTypes.DEGRADED, "True", Reasons.INVALID_SPEC));
    assertThat(condition(workload, ConditionTypes.DEGRADED).message())
        .contains(
            "spec.replicas.max: 20 is more than tier \""
                + name
                + "\" allows: at most 10 (spec.scaling[Service].maxReplicas)");
    assertThat(client.apps().deployments().withName("web").get()).isNull();
  }

  @Test
  void withoutKedaTheTiersSignalFallsBackToAValidHpaAndTheStatusSaysWhy(
      KubernetesClient client, TestNamespace namespace) {
    Tier tier =
        tier(
            namespace,
            300,
            new ScaleSignal(ScaleMetric.requestsRunning, 10),
            new ScaleSignal(ScaleMetric.cpu, 70));
    apply(tier);
    client.resource(Workloads.service("web", tier.getMetadata().getName(), 1, 4)).create();

    // The API server took the HPA: it is valid, on cpu.
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(hpa(client).getSpec().getMetrics().getFirst().getResource().getName())
                    .isEqualTo("cpu"));
    var workload =
        awaitStatus(
            client,
            "web",
            w -> is(w, ConditionTypes.SCALING_ACTIVE, "False", Reasons.ENGINE_MISSING));
    assertThat(condition(workload, ConditionTypes.SCALING_ACTIVE).message())
        .contains("scales Service on requestsRunning, which needs KEDA")
        .contains("scaling on cpu instead");
    assertThat(workload.getStatus().scaling().metric()).isEqualTo(ScaleMetric.cpu);
  }

  @Test
  @Order(1)
  void anEnvironmentThatSaysKedaWhereKedaIsNotInstalledIsToldSo(
      KubernetesClient client, TestNamespace namespace) {
    Tier tier = tier(namespace, 300, new ScaleSignal(ScaleMetric.requestsRunning, 10));
    apply(tier);
    kedaEnvironment(namespace);
    var web =
        Workloads.workload(
            "web",
            Workloads.minimalSpec(WorkloadType.Service, tier.getMetadata().getName())
                .withReplicas(new Replicas(1, 4))
                .withScaleOn(new ScaleOn(ScaleMetric.requestsRunning, null))
                .build());
    client.resource(web).create();

    var workload =
        awaitStatus(
            client,
            "web",
            w -> is(w, ConditionTypes.SCALING_ACTIVE, "False", Reasons.KEDA_NOT_INSTALLED));
    assertThat(condition(workload, ConditionTypes.SCALING_ACTIVE).message())
        .contains("keda.sh/v1alpha1");
    // The Workload runs; nothing scales it, and nothing of Bosun's own pretends to.
    assertThat(client.apps().deployments().withName("web").get()).isNotNull();
    assertThat(hpa(client)).isNull();
  }

  /**
   * Where KEDA's CRD is served, the ScaledObject the compiler makes is one its real schema takes,
   * and the Workload waits for the HPA that KEDA would make.
   */
  @Test
  @Order(2)
  void whereKedaIsServedTheScaledObjectIsAccepted(KubernetesClient client, TestNamespace namespace)
      throws Exception {
    assumeTrue(Files.exists(KEDA_CRD), "KEDA's Go module is not in the module cache");
    var crd =
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(Files.newInputStream(KEDA_CRD))
            .item();
    admin.resource(crd).serverSideApply();
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .until(() -> admin.getApiResources(Scaling.KEDA_API_VERSION) != null);
    Tier tier = tier(namespace, 300, new ScaleSignal(ScaleMetric.requestsRunning, 10));
    apply(tier);
    kedaEnvironment(namespace);
    client
        .resource(
            Workloads.workload(
                "web",
                Workloads.minimalSpec(WorkloadType.Service, tier.getMetadata().getName())
                    .withReplicas(new Replicas(1, 4))
                    .build()))
        .create();

    var scaledObject =
        await()
            .atMost(ClusterWorkloads.CONVERGE)
            .until(
                () ->
                    client
                        .genericKubernetesResources(
                            Scaling.KEDA_API_VERSION, Scaling.SCALED_OBJECT_KIND)
                        .withName("web")
                        .get(),
                Objects::nonNull);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) scaledObject.get("spec");
    assertThat(spec).containsEntry("maxReplicaCount", 4);
    assertThat(scaledObject.toString()).contains("external-push").contains("requestsRunning");
    var workload =
        awaitStatus(
            client,
            "web",
            w -> is(w, ConditionTypes.SCALING_ACTIVE, "False", Reasons.SIGNAL_PENDING));
    assertThat(workload.getStatus().scaling().engine()).isEqualTo(ScalingEngine.KEDA);
    assertThat(hpa(client)).isNull();
  }

  /**
   * The lowest layer the local cluster can make real for an HPA on cpu: KWOK, playing each kubelet,
   * serves the pods' CPU usage from their annotation; metrics-server scrapes it; the HPA controller
   * reads it through the resource metrics API and scales the Deployment. Usage at twice the target
   * (100 % of the request against a target of 50 %) must raise the replicas.
   */
  @Test
  void anHpaOnCpuScalesTheWorkloadWhenItsPodsCpuUsageRises(
      SharedCluster cluster, KubernetesClient client, TestNamespace namespace) {
    var metricsServer =
        new MetricsServer(
            ToolBinary.METRICS_SERVER.ensureBuilt(
                line -> System.err.println("[metrics-server] " + line)),
            cluster.cluster());
    boolean startedHere =
        metricsServer
            .start(admin, line -> System.err.println("[metrics-server] " + line))
            .startedNow();
    if (startedHere) {
      cleanups.add(() -> metricsServer.stop(admin));
    }
    Tier tier = tier(namespace, 300, new ScaleSignal(ScaleMetric.cpu, 50));
    apply(tier);
    client.resource(Workloads.service("web", tier.getMetadata().getName(), 1, 4)).create();
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .ignoreExceptions()
        .until(() -> hpa(client).getStatus().getCurrentMetrics() != null);

    // Every pod of the Workload now uses all it requests (100m), twice the tier's target.
    var pods = client.pods().withLabel(Scaling.WORKLOAD_LABEL, "web");
    for (var pod : pods.list().getItems()) {
      client
          .pods()
          .withName(pod.getMetadata().getName())
          .edit(
              p ->
                  new PodBuilder(p)
                      .editMetadata()
                      .addToAnnotations(ModelServerPlan.CPU_USAGE_ANNOTATION, "100m")
                      .endMetadata()
                      .build());
    }

    // metrics-server's next scrape (15 s), then the HPA's next sync (15 s), with room.
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(hpa(client).getStatus().getCurrentMetrics().getFirst().getResource())
                  .satisfies(
                      m -> assertThat(m.getCurrent().getAverageUtilization()).isGreaterThan(50));
              assertThat(client.apps().deployments().withName("web").get().getSpec().getReplicas())
                  .isGreaterThan(1);
            });
  }

  private void kedaEnvironment(TestNamespace namespace) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName("env-" + namespace.name()).build());
    environment.setSpec(
        new EnvironmentSpecBuilder()
            .withNamespace(namespace.name())
            .withAutoscaling(new EnvironmentAutoscaling(ScalingEngine.KEDA, null, null, null))
            .build());
    admin.resource(environment).create();
    cleanups.add(() -> admin.resource(environment).delete());
  }
}

package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentAutoscaling;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScaleSignal;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.ScalingPolicy;
import dev.bosun.api.v1alpha1.ScalingRules;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierResources;
import dev.bosun.api.v1alpha1.TierSpecBuilder;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.Keda;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole autoscaling loop on the local cluster, started as a user starts it, through the
 * packaged CLI: KEDA built from its Go module ({@code bosun dev autoscaling}), the operator, the
 * router with its KEDA push scaler, the stand-in model servers, and load from {@code bosun dev
 * load}. Load raises the replicas; after it stops they stay up for the tier's scale-down window and
 * then come down; with KEDA stopped a Workload keeps its replicas and its status says why.
 */
@ExtendWith(LocalClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoscalingLoopIT {

  /** Four requests at once a replica, 500 ms each: eight a second. */
  private static final String CAPACITY = "4";

  private static final String SERVICE_TIME = "500ms";

  /** Three replicas' worth: a replica saturated with four running reads twice the target. */
  private static final int RPS = 24;

  private static final int RUNNING_TARGET = 2;

  private static final int MAX_REPLICAS = 4;

  /**
   * The tier's scale-down window: the autoscaler keeps the highest recommendation of this long, so
   * replicas may fall at the earliest this long after the last sync that saw the load.
   */
  private static final Duration SCALE_DOWN_WINDOW = Duration.ofSeconds(60);

  /** One sync of the kube-controller-manager's HPA controller (its default period). */
  private static final Duration HPA_SYNC = Duration.ofSeconds(15);

  /** KEDA's polling, a few HPA syncs and the pods' start, with room. */
  private static final Duration SCALED_WITHIN = Duration.ofMinutes(3);

  /** Longer than two HPA syncs: time enough for a wrong scale-down to show. */
  private static final Duration KEPT_FOR = Duration.ofSeconds(40);

  private static DevServices services;
  private static Path home;
  private static KubernetesClient admin;

  private final List<Runnable> cleanups = new ArrayList<>();

  @BeforeAll
  static void startTheLoop(SharedCluster cluster) throws Exception {
    home = cluster.cluster().home();
    admin = cluster.client();
    services =
        new DevServices(home, admin)
            .start(List.of(Keda.OPERATOR, Keda.ADAPTER), "autoscaling")
            .serving(CAPACITY, SERVICE_TIME);
  }

  /** What this class started goes with it: the other tests of the run share the cluster. */
  @AfterAll
  static void stopTheLoop() {
    services.stopAll();
  }

  @AfterEach
  void cleanUp() {
    cleanups.reversed().forEach(Runnable::run);
  }

  @Test
  @Order(1)
  void aLoadStepScalesUpAndScaleDownWaitsForTheTiersWindow(
      KubernetesClient client, TestNamespace namespace) throws Exception {
    loopInto(namespace);
    client.resource(inference("chat", tierOf(namespace), 1)).create();
    awaitSignalRead(client, "chat");

    var load =
        CompletableFuture.supplyAsync(
            () ->
                dev(
                    "load",
                    "chat",
                    "-n",
                    namespace.name(),
                    "--rps",
                    Integer.toString(RPS),
                    "--duration",
                    "75s",
                    "-o",
                    "json"));
    await("chat scaled up to " + MAX_REPLICAS + " by the load")
        .atMost(SCALED_WITHIN)
        .until(() -> specReplicas(client, "chat") == MAX_REPLICAS);
    // The load went through the router to the stand-ins; while one replica was saturated some of
    // it was turned away, which is the point of scaling, not what this test is about.
    JsonNode total = new ObjectMapper().readTree(load.get()).path("total");
    assertThat(total.path("ok").asInt()).as("the load's answers: %s", total).isPositive();

    // The last sync that saw the load came at most one sync period before it ended.
    Duration held = SCALE_DOWN_WINDOW.minus(HPA_SYNC).minusSeconds(5);
    await("chat held at " + MAX_REPLICAS + " within the scale-down window")
        .during(held)
        .atMost(held.plusSeconds(30))
        .until(() -> specReplicas(client, "chat") == MAX_REPLICAS);
    await("chat back at its floor after the window")
        .atMost(SCALE_DOWN_WINDOW.plus(SCALED_WITHIN))
        .until(() -> specReplicas(client, "chat") == 1);
  }

  /** Last: it stops KEDA, which {@link #stopTheLoop} would stop anyway. */
  @Test
  @Order(2)
  void withKedaStoppedAWorkloadKeepsItsReplicasAndItsStatusSaysWhy(
      KubernetesClient client, TestNamespace namespace) {
    loopInto(namespace);
    client.resource(inference("steady", tierOf(namespace), 2)).create();
    awaitSignalRead(client, "steady");
    await("steady at its floor of 2")
        .atMost(SCALED_WITHIN)
        .until(() -> specReplicas(client, "steady") == 2);

    var processes = new BackgroundProcesses(home);
    processes.stop(Keda.ADAPTER, Duration.ofSeconds(10));
    processes.stop(Keda.OPERATOR, Duration.ofSeconds(10));

    var scaling =
        await("steady's status saying that its signal cannot be read")
            .atMost(SCALED_WITHIN)
            .until(
                () -> scalingActive(client, "steady"),
                c ->
                    c.isPresent()
                        && "False".equals(c.get().status())
                        && Reasons.SIGNAL_UNAVAILABLE.equals(c.get().reason()))
            .orElseThrow();
    assertThat(scaling.message())
        .contains(ScaleMetric.requestsRunning.name())
        .contains("replicas stay as they are");
    await("steady keeping its 2 replicas without its signal")
        .during(KEPT_FOR)
        .atMost(KEPT_FOR.plusSeconds(30))
        .until(() -> specReplicas(client, "steady") == 2);
  }

  /**
   * A tier of this namespace whose Inference Workloads scale on requests running, quickly up and
   * after {@link #SCALE_DOWN_WINDOW} down, and an Environment that sends their signal to the
   * router's scaler through KEDA.
   */
  private void loopInto(TestNamespace namespace) {
    var tier = new Tier();
    tier.setMetadata(new ObjectMetaBuilder().withName(tierOf(namespace)).build());
    tier.setSpec(
        new TierSpecBuilder()
            .withDescription("A CPU tier of this test")
            .withResources(new TierResources("100m", "128Mi", null))
            .withScaling(
                List.of(
                    new ScalingPolicy(
                        WorkloadType.Inference,
                        List.of(new ScaleSignal(ScaleMetric.requestsRunning, RUNNING_TARGET)),
                        MAX_REPLICAS,
                        new ScalingRules(0, MAX_REPLICAS, null, 15),
                        new ScalingRules(
                            (int) SCALE_DOWN_WINDOW.toSeconds(), MAX_REPLICAS, null, 15),
                        null)))
            .build());
    admin.resource(tier).serverSideApply();
    cleanups.add(() -> admin.resource(tier).delete());

    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName("env-" + namespace.name()).build());
    environment.setSpec(
        new EnvironmentSpecBuilder()
            .withNamespace(namespace.name())
            .withAutoscaling(
                new EnvironmentAutoscaling(ScalingEngine.KEDA, null, scalerAddress(), null))
            .build());
    admin.resource(environment).create();
    cleanups.add(() -> admin.resource(environment).delete());
  }

  private static String tierOf(TestNamespace namespace) {
    return "loop-" + namespace.name();
  }

  private static Workload inference(String name, String tier, int min) {
    var workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
    workload.setSpec(
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Inference)
            .withImage(
                "registry.example.com/acme/chat@sha256:"
                    + "31e06f7d89feb99a0e6c0affe198748c3bb5bef5e3cc92d95cb9e996197d3fc3")
            .withSize(tier)
            .withPort(8000)
            .withReplicas(new Replicas(min, MAX_REPLICAS))
            .build());
    return workload;
  }

  private static void awaitSignalRead(KubernetesClient client, String name) {
    await(name + " scaling on its signal")
        .atMost(SCALED_WITHIN)
        .until(
            () -> scalingActive(client, name),
            c -> c.isPresent() && Reasons.SIGNAL_READ.equals(c.get().reason()));
  }

  private static Optional<Condition> scalingActive(KubernetesClient client, String name) {
    var workload = client.resources(Workload.class).withName(name).get();
    if (workload == null || workload.getStatus() == null) {
      return Optional.empty();
    }
    return workload.getStatus().conditions().stream()
        .filter(c -> ConditionTypes.SCALING_ACTIVE.equals(c.type()))
        .findFirst();
  }

  private static int specReplicas(KubernetesClient client, String name) {
    var deployment = client.apps().deployments().withName(name).get();
    return deployment == null || deployment.getSpec().getReplicas() == null
        ? -1
        : deployment.getSpec().getReplicas();
  }

  private static String scalerAddress() {
    try {
      return Files.readString(home.resolve("scaler-address")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String dev(String... args) {
    return BosunProcess.dev(home, args);
  }
}

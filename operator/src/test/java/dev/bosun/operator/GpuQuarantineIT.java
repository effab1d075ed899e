package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.operator.client.CliActions;
import dev.bosun.testkit.GpuPods;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator quarantines what the node agents report broken, as the GpuHealthPolicy says, on the
 * local cluster with its real scheduler and controller manager: the GPU's DeviceTaintRule keeps new
 * pods off that device only, a node fault taints the node, the circuit breaker stops at its budget
 * until a reset, a GPU is given back after the recovery delay and not before, a dry run changes
 * nothing, and a restarted operator neither repeats nor forgets. The tests write the GpuNodeHealth
 * objects themselves, as the agents would.
 */
@ExtendWith(LocalClusterExtension.class)
class GpuQuarantineIT {
  private static final Duration SOON = Duration.ofSeconds(30);
  private static SharedCluster cluster;
  private static KubernetesClient admin;
  private static Map<String, Object> shippedSpec;
  private GpuFleet fleet;
  private final List<String> nodes = new ArrayList<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void operator(SharedCluster shared) {
    cluster = shared;
    admin = shared.client();
    RunningOperator.ensureStarted(shared);
    shippedSpec =
        (Map<String, Object>)
            Serialization.unmarshal(
                    Serialization.asJson(
                        admin
                            .resources(GpuHealthPolicy.class)
                            .withName(GpuHealthPolicy.DEFAULT)
                            .get()),
                    Map.class)
                .get("spec");
  }

  @AfterAll
  static void restorePolicy() {
    setPolicy(shippedSpec);
    resetBreaker();
  }

  @BeforeEach
  void fleet() {
    // Short delays, a budget no other test's faults reach; each test changes what it is about.
    setPolicy(
        Map.of(
            "recovery",
            Map.of("delay", "4s", "flapWindow", "1s"),
            "breaker",
            Map.of("maxQuarantined", 100, "scope", "GpuNodes", "window", "10m"),
            "effect",
            "NoSchedule",
            "dryRun",
            false));
    resetBreaker();
    fleet =
        new GpuFleet(
            admin,
            "quarantine-it-" + Long.toString(System.nanoTime() % 1_000_000, 36),
            GpuProduct.H100_80GB_HBM3,
            2);
  }

  @AfterEach
  void deleteFleet() {
    for (String node : nodes) {
      admin.resources(GpuNodeHealth.class).withName(node).delete();
    }
    admin
        .genericKubernetesResources(QuarantineReconciler.RULES)
        .withLabel(GpuQuarantine.MANAGED_BY, GpuQuarantine.MANAGER)
        .list()
        .getItems()
        .stream()
        .filter(r -> nodes.contains(r.getMetadata().getLabels().get(GpuQuarantine.NODE_LABEL)))
        .forEach(r -> admin.resource(r).delete());
    fleet.delete();
  }

  @Test
  void aGpuFaultTaintsThatDeviceOnlyAndANewPodLandsOnASibling(TestNamespace namespace) {
    String node = addNodes(1).getFirst();
    report(node, Map.of(0, "gpu"), List.of());

    GenericKubernetesResource rule = awaitRule(node, "gpu-0");
    assertThat(rulesOf(node)).hasSize(1);
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Map<String, String>>) rule.getAdditionalProperties().get("spec");
    assertThat(spec.get("deviceSelector"))
        .containsEntry("driver", "gpu.nvidia.com")
        .containsEntry("pool", node)
        .containsEntry("device", "gpu-0");
    assertThat(spec.get("taint"))
        .containsEntry("key", GpuQuarantine.TAINT_KEY)
        .containsEntry("value", "gpu")
        .containsEntry("effect", "NoSchedule");
    awaitEvent(node, GpuQuarantine.GPU_QUARANTINED);
    assertThat(taint(node)).isNull();
    await("the action counted")
        .atMost(SOON)
        .until(
            () ->
                OperatorHttp.samples(
                        OperatorHttp.get(RunningOperator.ensureStarted(cluster), "/metrics").body(),
                        "bosun_gpu_quarantine_actions_total")
                    .stream()
                    .anyMatch(
                        m ->
                            m.labels()
                                    .equals(
                                        Map.of(
                                            "action",
                                            GpuQuarantine.GPU_QUARANTINED,
                                            "reason",
                                            "gpu"))
                                && m.value() >= 1));

    // The node has two GPUs: a pod for one lands on the other, and a second pod finds none.
    Pod first = gpuPod(namespace.name(), "first", node);
    awaitAllocated(namespace.name(), first);
    assertThat(device(namespace.name(), first)).isEqualTo("gpu-1");
    Pod second = gpuPod(namespace.name(), "second", node);
    await("the second pod unschedulable")
        .atMost(SOON)
        .until(() -> unschedulable(namespace.name(), second));
    assertThat(claim(namespace.name(), second).getStatus().getAllocation()).isNull();
  }

  @Test
  void aNodeFaultTaintsTheNodeAndKeepsItsOtherTaints() {
    String node = addNodes(1).getFirst();
    report(node, Map.of(1, "node"), List.of());

    await("the node tainted").atMost(SOON).until(() -> taint(node) != null);
    assertThat(taint(node).getValue()).isEqualTo("node");
    assertThat(taint(node).getEffect()).isEqualTo("NoSchedule");
    assertThat(admin.nodes().withName(node).get().getSpec().getTaints())
        .extracting(Taint::getKey)
        .contains(GpuFleet.TAINT_KEY);
    assertThat(rulesOf(node)).isEmpty();
    awaitEvent(node, GpuQuarantine.NODE_QUARANTINED);
  }

  @Test
  void noExecuteEvictsThePodHoldingTheGpuAndLeavesItsSibling(TestNamespace namespace) {
    String node = addNodes(1).getFirst();
    Pod one = gpuPod(namespace.name(), "one", node);
    Pod two = gpuPod(namespace.name(), "two", node);
    awaitAllocated(namespace.name(), one);
    awaitAllocated(namespace.name(), two);
    Pod sick = device(namespace.name(), one).equals("gpu-0") ? one : two;
    Pod well = sick == one ? two : one;
    // First NoSchedule, as the default policy ships: the quarantine is in place, nobody moves.
    report(node, Map.of(0, "gpu"), List.of());
    awaitRule(node, "gpu-0");
    assertThat(admin.resource(sick).get().getMetadata().getDeletionTimestamp()).isNull();

    // Then NoExecute, once the quarantines were seen to be right: the rule follows the policy.
    setPolicySpec(Map.of("effect", "NoExecute"));

    awaitEvent(node, GpuQuarantine.QUARANTINE_EFFECT_CHANGED);
    await(sick.getMetadata().getName() + " evicted")
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              Pod now = admin.resource(sick).get();
              return now == null || now.getMetadata().getDeletionTimestamp() != null;
            });
    Pod stays = admin.resource(well).get();
    assertThat(stays).isNotNull();
    assertThat(stays.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void theBreakerStopsAtItsBudgetAndWaitsForAReset() throws Exception {
    setPolicySpec(
        Map.of("breaker", Map.of("maxQuarantined", "10%", "scope", "GpuNodes", "window", "10m")));
    List<String> forty = addNodes(40);
    for (String node : forty) {
      report(node, Map.of(), List.of());
    }
    // The other tests' and the shared fleet's nodes count too: 10% of all reported nodes.
    int fleetSize = admin.resources(GpuNodeHealth.class).list().getItems().size();
    int budget = (int) Math.ceil(fleetSize / 10.0) - quarantinedNodes();
    List<String> faulty = forty.subList(0, 12);
    // All at once: each report is acted on at once beside the policy's reconciliation, and the
    // budget must hold however their plans interleave.
    try (var reporters = Executors.newVirtualThreadPerTaskExecutor()) {
      var written =
          faulty.stream()
              .map(node -> reporters.submit(() -> report(node, Map.of(0, "gpu"), List.of())))
              .toList();
      for (var report : written) {
        report.get();
      }
    }

    await("the breaker tripped").atMost(SOON).until(() -> breaker().status().equals("True"));
    assertThat(breaker().reason()).isEqualTo(Reasons.BUDGET_EXCEEDED);
    assertThat(breaker().message()).contains("maxQuarantined 10%");
    assertThat(policy().getStatus().breakerTrippedAt()).isNotNull();
    await("bosun_gpu_breaker_tripped 1 on /metrics").atMost(SOON).until(() -> breakerGauge() == 1);
    await("every fault looked at")
        .atMost(SOON)
        .until(
            () ->
                faulty.stream()
                    .allMatch(
                        n ->
                            !rulesOf(n).isEmpty()
                                || hasEvent(n, GpuQuarantine.REFUSED_BREAKER_OPEN)));
    assertThat(faulty.stream().filter(n -> !rulesOf(n).isEmpty())).hasSize(budget);

    // Nothing more while open, even a fault well after the trip.
    String later = forty.get(20);
    report(later, Map.of(1, "gpu"), List.of());
    awaitEvent(later, GpuQuarantine.REFUSED_BREAKER_OPEN);
    assertThat(rulesOf(later)).isEmpty();

    String firstTrip = policy().getStatus().breakerTrippedAt();
    List<String> all = new ArrayList<>(faulty);
    all.add(later);
    long before = all.stream().filter(n -> !rulesOf(n).isEmpty()).count();

    resetBreaker();

    // Only quarantines after the reset count: a whole budget more goes ahead, oldest faults first,
    // and the next one trips the breaker again.
    long expected = Math.min(all.size(), before + (int) Math.ceil(fleetSize / 10.0));
    await("quarantines go on")
        .atMost(SOON)
        .until(() -> all.stream().filter(n -> !rulesOf(n).isEmpty()).count() == expected);
    if (expected < all.size()) {
      await("tripped again")
          .atMost(SOON)
          .until(
              () ->
                  breaker().status().equals("True")
                      && !firstTrip.equals(policy().getStatus().breakerTrippedAt()));
    } else {
      await("closed").atMost(SOON).until(() -> breaker().status().equals("False"));
    }
    assertThat(all.stream().filter(n -> !rulesOf(n).isEmpty()).count()).isEqualTo(expected);
  }

  @Test
  void aGpuIsGivenBackAfterTheRecoveryDelayAndNotBefore() {
    String node = addNodes(1).getFirst();
    report(node, Map.of(0, "gpu"), List.of());
    awaitRule(node, "gpu-0");

    report(node, Map.of(), List.of());

    // The delay is 4 s: the rule stays for the first two at least, then goes.
    await("the rule kept during the delay")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> rulesOf(node).size() == 1);
    await("the rule deleted").atMost(SOON).until(() -> rulesOf(node).isEmpty());
    awaitEvent(node, GpuQuarantine.QUARANTINE_RELEASED);
  }

  @Test
  void aDryRunChangesNothingAndReports() {
    setPolicySpec(Map.of("dryRun", true));
    String node = addNodes(1).getFirst();
    String other = addNodes(1).getLast();
    report(node, Map.of(0, "gpu"), List.of());
    report(other, Map.of(1, "node"), List.of());

    awaitEvent(node, GpuQuarantine.DRY_RUN);
    awaitEvent(other, GpuQuarantine.DRY_RUN);
    await("counted").atMost(SOON).until(() -> policy().getStatus().quarantined() >= 2);
    assertThat(rulesOf(node)).isEmpty();
    assertThat(taint(other)).isNull();
  }

  @Test
  void aRestartedOperatorNeitherRepeatsNorForgets() {
    String node = addNodes(1).getFirst();
    report(node, Map.of(0, "gpu"), List.of());
    String gpu0At = quarantinedAt(awaitRule(node, "gpu-0"));

    RunningOperator.stop();
    // While it is down another GPU fails.
    report(node, Map.of(0, "gpu", 1, "gpu"), List.of());
    RunningOperator.restart(cluster);

    awaitRule(node, "gpu-1");
    await("the new quarantine reported")
        .atMost(SOON)
        .until(() -> events(node, GpuQuarantine.GPU_QUARANTINED).size() == 2);
    // gpu-0's quarantine was found, not made again.
    assertThat(quarantinedAt(awaitRule(node, "gpu-0"))).isEqualTo(gpu0At);

    // gpu-0 recovers; its release is remembered across the next restart.
    report(node, Map.of(1, "gpu"), List.of());
    await("gpu-0 given back").atMost(SOON).until(() -> rulesOf(node).size() == 1);
    awaitEvent(node, GpuQuarantine.QUARANTINE_RELEASED);
    String gpu1At = quarantinedAt(awaitRule(node, "gpu-1"));
    RunningOperator.restart(cluster);
    // gpu-0 fails again: the third operator's work shows, and it is all it does.
    report(node, Map.of(0, "gpu", 1, "gpu"), List.of());

    awaitRule(node, "gpu-0");
    await("the third quarantine reported")
        .atMost(SOON)
        .until(() -> events(node, GpuQuarantine.GPU_QUARANTINED).size() == 3);
    assertThat(quarantinedAt(awaitRule(node, "gpu-1"))).isEqualTo(gpu1At);
    assertThat(events(node, GpuQuarantine.QUARANTINE_RELEASED)).hasSize(1);
  }

  private static String quarantinedAt(GenericKubernetesResource rule) {
    return rule.getMetadata().getAnnotations().get(GpuQuarantine.QUARANTINED_AT);
  }

  // --- the cluster ---

  private List<String> addNodes(int count) {
    List<String> added = fleet.addNodes(nodes.size(), count);
    nodes.addAll(added);
    fleet.awaitReady(nodes.size(), Duration.ofMinutes(1));
    return added;
  }

  /**
   * Publishes what the node agent would: the GPUs given unhealthy with a fault of the given class,
   * the others healthy, and node faults that name no GPU.
   */
  private static void report(String node, Map<Integer, String> faulty, List<String> nodeFaults) {
    Instant now = Instant.now();
    List<GpuDeviceHealth> gpus =
        IntStream.range(0, 2)
            .mapToObj(
                i ->
                    faulty.containsKey(i)
                        ? new GpuDeviceHealth(
                            i,
                            "GPU-it-" + i,
                            null,
                            null,
                            true,
                            GpuHealthStatus.Unhealthy,
                            "Xid 79",
                            now.toString(),
                            List.of(fault(faulty.get(i), now)),
                            null,
                            null,
                            null)
                        : new GpuDeviceHealth(
                            i,
                            "GPU-it-" + i,
                            null,
                            null,
                            true,
                            GpuHealthStatus.Healthy,
                            null,
                            now.toString(),
                            null,
                            null,
                            null,
                            null))
            .toList();
    boolean healthy = faulty.isEmpty() && nodeFaults.isEmpty();
    var report = new GpuNodeHealth();
    report.setMetadata(new ObjectMetaBuilder().withName(node).build());
    report.setSpec(new GpuNodeHealthSpec(node));
    if (admin.resources(GpuNodeHealth.class).withName(node).get() == null) {
      admin.resource(report).create();
    }
    var status =
        new GpuNodeHealthStatus(
            null,
            List.of(
                new Condition(
                    ConditionTypes.GPU_HEALTHY,
                    healthy ? "True" : "False",
                    null,
                    now.toString(),
                    healthy ? Reasons.GPUS_HEALTHY : Reasons.GPU_UNHEALTHY,
                    healthy ? "Every GPU is healthy" : "a fault")),
            now.toString(),
            "simulated",
            null,
            null,
            gpus,
            nodeFaults.stream().map(c -> fault(c, now)).toList(),
            null);
    admin
        .resources(GpuNodeHealth.class)
        .withName(node)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
  }

  private static GpuFault fault(String faultClass, Instant at) {
    return new GpuFault(79, "XID", faultClass, null, null, at.toString(), "Xid 79");
  }

  private static List<GenericKubernetesResource> rulesOf(String node) {
    return admin
        .genericKubernetesResources(QuarantineReconciler.RULES)
        .withLabel(GpuQuarantine.NODE_LABEL, node)
        .list()
        .getItems();
  }

  private static GenericKubernetesResource awaitRule(String node, String device) {
    String name = GpuQuarantine.ruleName(node, device);
    await(name)
        .atMost(SOON)
        .until(
            () ->
                admin.genericKubernetesResources(QuarantineReconciler.RULES).withName(name).get()
                    != null);
    return admin.genericKubernetesResources(QuarantineReconciler.RULES).withName(name).get();
  }

  private static Taint taint(String node) {
    Node n = admin.nodes().withName(node).get();
    return n.getSpec().getTaints() == null
        ? null
        : n.getSpec().getTaints().stream()
            .filter(t -> GpuQuarantine.TAINT_KEY.equals(t.getKey()))
            .findFirst()
            .orElse(null);
  }

  private static int quarantinedNodes() {
    var status = policy().getStatus();
    return status == null || status.quarantined() == null ? 0 : status.quarantined();
  }

  private static List<Event> events(String node, String reason) {
    return admin
        .v1()
        .events()
        .inNamespace("default")
        .withField("involvedObject.name", node)
        .list()
        .getItems()
        .stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static boolean hasEvent(String node, String reason) {
    return !events(node, reason).isEmpty();
  }

  private static void awaitEvent(String node, String reason) {
    await(reason + " on " + node).atMost(SOON).until(() -> hasEvent(node, reason));
  }

  private static GpuHealthPolicy policy() {
    return admin.resources(GpuHealthPolicy.class).withName(GpuHealthPolicy.DEFAULT).get();
  }

  private static Condition breaker() {
    var status = policy().getStatus();
    return status == null || status.conditions() == null
        ? new Condition(ConditionTypes.BREAKER_TRIPPED, "Unknown", null, "", null, null)
        : status.conditions().stream()
            .filter(c -> c.type().equals(ConditionTypes.BREAKER_TRIPPED))
            .findFirst()
            .orElseThrow();
  }

  /** The whole spec, replaced. */
  private static void setPolicy(Map<String, Object> spec) {
    admin
        .resources(GpuHealthPolicy.class)
        .withName(GpuHealthPolicy.DEFAULT)
        .patch(
            PatchContext.of(PatchType.JSON),
            Serialization.asJson(List.of(Map.of("op", "replace", "path", "/spec", "value", spec))));
  }

  /** Some fields of the spec changed. */
  private static void setPolicySpec(Map<String, Object> changes) {
    admin
        .resources(GpuHealthPolicy.class)
        .withName(GpuHealthPolicy.DEFAULT)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", changes)));
  }

  /** The operator's {@code bosun_gpu_breaker_tripped}, -1 before it is served. */
  private static double breakerGauge() throws Exception {
    return OperatorHttp.samples(
            OperatorHttp.get(RunningOperator.ensureStarted(cluster), "/metrics").body(),
            "bosun_gpu_breaker_tripped")
        .stream()
        .mapToDouble(OperatorHttp.Sample::value)
        .findFirst()
        .orElse(-1);
  }

  /** `bosun gpu breaker reset`, as the CLI runs it. */
  private static void resetBreaker() {
    var out = new StringWriter();
    int exit =
        new CliActions(
                () -> new KubernetesClientBuilder().withConfig(admin.getConfiguration()).build(),
                new PrintWriter(out),
                new PrintWriter(out))
            .breakerReset(Instant.now());
    assertThat(exit).as(out.toString()).isZero();
  }

  /** A pod holding one whole GPU of the given node, through a claim of its own. */
  private static Pod gpuPod(String namespace, String name, String node) {
    return GpuPods.holdingOneGpu(
        admin.adapt(NamespacedKubernetesClient.class).inNamespace(namespace), name, node);
  }

  private static ResourceClaim claim(String namespace, Pod pod) {
    return admin
        .resources(ResourceClaim.class)
        .inNamespace(namespace)
        .withName(GpuPods.claimOf(pod.getMetadata().getName()))
        .get();
  }

  private static void awaitAllocated(String namespace, Pod pod) {
    await(pod.getMetadata().getName() + " allocated")
        .atMost(SOON)
        .until(
            () -> {
              var status = claim(namespace, pod).getStatus();
              return status != null && status.getAllocation() != null;
            });
  }

  private static String device(String namespace, Pod pod) {
    return claim(namespace, pod)
        .getStatus()
        .getAllocation()
        .getDevices()
        .getResults()
        .getFirst()
        .getDevice();
  }

  private static boolean unschedulable(String namespace, Pod pod) {
    Pod now = admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    return now.getStatus() != null
        && now.getStatus().getConditions() != null
        && now.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    "PodScheduled".equals(c.getType())
                        && "False".equals(c.getStatus())
                        && Objects.equals("Unschedulable", c.getReason()));
  }
}

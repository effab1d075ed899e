package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.BreakerScope;
import dev.bosun.api.v1alpha1.CircuitBreaker;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.FaultResponse;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuFaultClass;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.GpuHealthPolicyStatus;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.GpuRecovery;
import dev.bosun.api.v1alpha1.QuarantineAction;
import dev.bosun.api.v1alpha1.QuarantineEffect;
import dev.bosun.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the cluster does about GPU faults, as tables: the policy, the nodes' reports and the
 * quarantines that exist in, the actions and the policy's status out.
 */
class QuarantinePlanTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Instant MINUTE_AGO = NOW.minus(Duration.ofMinutes(1));
  private static final Instant HOUR_AGO = NOW.minus(Duration.ofHours(1));

  /** Every fault class of an unhealthy GPU, under the default responses. */
  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "gpu, QUARANTINE_GPU, node-0/gpu-3",
    "support, QUARANTINE_GPU, node-0/gpu-3",
    "node, QUARANTINE_NODE, node-0/",
    "degraded, REPORT, node-0/gpu-3",
    "application, REPORT, node-0/gpu-3",
    "ignore, REPORT, node-0/gpu-3"
  })
  void eachFaultClassGetsTheDefaultResponse(String faultClass, String kind, String target) {
    var result =
        plan(null, List.of(node("node-0", unhealthy(3, faultClass, MINUTE_AGO))), List.of());

    assertThat(summary(result)).containsExactly(kind + " " + target + " " + faultClass);
  }

  /** The same, with a policy that answers each class differently. */
  @ParameterizedTest(name = "{0} answered by {1}")
  @CsvSource({
    "gpu, Report, REPORT",
    "gpu, QuarantineNode, QUARANTINE_NODE",
    "application, QuarantineGpu, QUARANTINE_GPU",
    "node, QuarantineGpu, QUARANTINE_GPU"
  })
  void thePolicysResponsesDecide(String faultClass, QuarantineAction action, String kind) {
    var policy =
        policy(
            spec(
                List.of(new FaultResponse(GpuFaultClass.valueOf(faultClass.toUpperCase()), action)),
                null,
                null,
                false));

    var result =
        plan(policy, List.of(node("node-0", unhealthy(3, faultClass, MINUTE_AGO))), List.of());

    assertThat(result.actions()).extracting(a -> a.kind().name()).containsExactly(kind);
  }

  @Test
  void aNodeFaultThatNamesNoGpuQuarantinesTheNode() {
    var health = node("node-0", healthy(0, HOUR_AGO));
    health.setStatus(
        new GpuNodeHealthStatus(
            null,
            List.of(gpuHealthy(false, MINUTE_AGO)),
            null,
            null,
            null,
            null,
            health.getStatus().gpus(),
            List.of(fault("node", MINUTE_AGO, "NVML_FAILURE")),
            null));

    assertThat(summary(plan(null, List.of(health), List.of())))
        .containsExactly("QUARANTINE_NODE node-0/ node");
  }

  @Test
  void aNodeFaultOfTheHistoryOfAHealthyNodeIsNoReason() {
    var health = node("node-0", healthy(0, HOUR_AGO));
    health.setStatus(
        new GpuNodeHealthStatus(
            null,
            List.of(gpuHealthy(true, MINUTE_AGO)),
            null,
            null,
            null,
            null,
            health.getStatus().gpus(),
            List.of(fault("node", HOUR_AGO, "NVML_FAILURE")),
            null));

    assertThat(plan(null, List.of(health), List.of()).actions()).isEmpty();
  }

  static Stream<Arguments> breakers() {
    return Stream.of(
        // name, maxQuarantined, scope, fleet nodes, faulty nodes, quarantined, refused, tripped
        Arguments.of(
            "under the count", new IntOrString(3), BreakerScope.GpuNodes, 10, 2, 2, 0, false),
        Arguments.of("at the count", new IntOrString(3), BreakerScope.GpuNodes, 10, 3, 3, 0, false),
        Arguments.of(
            "over the count", new IntOrString(3), BreakerScope.GpuNodes, 10, 5, 3, 2, true),
        Arguments.of(
            "10% of 40 nodes", new IntOrString("10%"), BreakerScope.GpuNodes, 40, 12, 4, 8, true),
        Arguments.of(
            "10% of 40 nodes, at it",
            new IntOrString("10%"), BreakerScope.GpuNodes, 40, 4, 4, 0, false),
        // 5 nodes of 8 GPUs: 10% of 40 GPUs is 4, as of 40 nodes.
        Arguments.of("10% of 40 GPUs", new IntOrString("10%"), BreakerScope.Gpus, 5, 5, 4, 1, true),
        // Rounded up: 10% of 5 nodes lets one be quarantined.
        Arguments.of(
            "10% of 5 nodes", new IntOrString("10%"), BreakerScope.GpuNodes, 5, 2, 1, 1, true),
        Arguments.of("0%", new IntOrString("0%"), BreakerScope.GpuNodes, 40, 1, 0, 1, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breakers")
  void theBreakerStopsQuarantinesAtTheBudget(
      String name,
      IntOrString max,
      BreakerScope scope,
      int fleet,
      int faulty,
      int quarantined,
      int refused,
      boolean tripped) {
    var policy = policy(spec(null, new CircuitBreaker(max, scope, "10m"), null, false));
    List<GpuNodeHealth> nodes =
        IntStream.range(0, fleet)
            .mapToObj(
                i ->
                    i < faulty
                        ? node(
                            "node-%02d".formatted(i),
                            eight(unhealthy(i % 8, "gpu", MINUTE_AGO.plusSeconds(i))))
                        : node("node-%02d".formatted(i), eight(null)))
            .toList();

    var result = plan(policy, nodes, List.of());

    assertThat(result.of(QuarantinePlan.Kind.QUARANTINE_GPU)).hasSize(quarantined);
    assertThat(result.of(QuarantinePlan.Kind.REFUSE)).hasSize(refused);
    // The oldest faults are the ones quarantined.
    assertThat(result.of(QuarantinePlan.Kind.QUARANTINE_GPU))
        .extracting(QuarantinePlan.Action::node)
        .allMatch(n -> Integer.parseInt(n.substring(5)) < quarantined);
    assertThat(result.status().quarantined()).isEqualTo(quarantined);
    assertThat(breaker(result.status()).status()).isEqualTo(tripped ? "True" : "False");
    assertThat(result.status().breakerTrippedAt()).isEqualTo(tripped ? NOW.toString() : null);
    if (tripped) {
      assertThat(breaker(result.status()).reason()).isEqualTo(Reasons.BUDGET_EXCEEDED);
      assertThat(breaker(result.status()).message())
          .contains(
              "maxQuarantined " + (max.getStrVal() == null ? max.getIntVal() : max.getStrVal()));
    }
  }

  @Test
  void quarantinesBegunBeforeTheWindowDoNotCount() {
    var policy =
        policy(spec(null, new CircuitBreaker(new IntOrString(1), null, "10m"), null, false));
    var old =
        new Quarantine(
            "node-0",
            "gpu-0",
            "gpu",
            QuarantineEffect.NoSchedule,
            NOW.minus(Duration.ofMinutes(11)));
    var recent =
        new Quarantine(
            "node-0",
            "gpu-0",
            "gpu",
            QuarantineEffect.NoSchedule,
            NOW.minus(Duration.ofMinutes(9)));
    List<GpuNodeHealth> nodes =
        List.of(
            node("node-0", unhealthy(0, "gpu", HOUR_AGO)),
            node("node-1", unhealthy(0, "gpu", MINUTE_AGO)));

    assertThat(plan(policy, nodes, List.of(old)).of(QuarantinePlan.Kind.QUARANTINE_GPU)).hasSize(1);
    assertThat(plan(policy, nodes, List.of(recent)).of(QuarantinePlan.Kind.REFUSE)).hasSize(1);
  }

  @Test
  void anOpenBreakerRefusesEverythingUntilAResetAndThenCountsOnlyWhatCameAfter() {
    var policy =
        policy(spec(null, new CircuitBreaker(new IntOrString(2), null, "10m"), null, false));
    Instant trippedAt = NOW.minus(Duration.ofMinutes(20));
    policy.setStatus(
        new GpuHealthPolicyStatus(
            1L,
            List.of(
                new Condition(
                    ConditionTypes.BREAKER_TRIPPED,
                    "True",
                    1L,
                    trippedAt.toString(),
                    Reasons.BUDGET_EXCEEDED,
                    "tripped by node-9")),
            2,
            trippedAt.toString()));
    List<GpuNodeHealth> nodes = List.of(node("node-1", unhealthy(0, "gpu", MINUTE_AGO)));
    // Long after the window: still open, waiting for a person.
    var open = plan(policy, nodes, List.of());
    assertThat(summary(open)).containsExactly("REFUSE node-1/gpu-0 gpu");
    assertThat(open.status().breakerTrippedAt()).isEqualTo(trippedAt.toString());
    assertThat(breaker(open.status()).message()).isEqualTo("tripped by node-9");
    assertThat(breaker(open.status()).lastTransitionTime()).isEqualTo(trippedAt.toString());

    Instant resetAt = NOW.minus(Duration.ofMinutes(2));
    policy.getMetadata().setAnnotations(Map.of(GpuQuarantine.BREAKER_RESET_AT, resetAt.toString()));
    // Two quarantines of five minutes ago would spend the budget, but they came before the reset.
    var before =
        List.of(
            new Quarantine(
                "node-2",
                "gpu-0",
                "gpu",
                QuarantineEffect.NoSchedule,
                NOW.minus(Duration.ofMinutes(5))),
            new Quarantine(
                "node-3",
                "gpu-0",
                "gpu",
                QuarantineEffect.NoSchedule,
                NOW.minus(Duration.ofMinutes(5))));
    var reset =
        plan(
            policy,
            List.of(
                nodes.getFirst(),
                node("node-2", unhealthy(0, "gpu", HOUR_AGO)),
                node("node-3", unhealthy(0, "gpu", HOUR_AGO))),
            before);
    assertThat(summary(reset)).containsExactly("QUARANTINE_GPU node-1/gpu-0 gpu");
    assertThat(breaker(reset.status()).status()).isEqualTo("False");
    assertThat(reset.status().breakerTrippedAt()).isNull();
    assertThat(reset.status().quarantined()).isEqualTo(3);
  }

  @Test
  void aResetOlderThanTheTripDoesNotCloseIt() {
    var policy =
        policy(spec(null, new CircuitBreaker(new IntOrString(2), null, "10m"), null, false));
    policy.setStatus(new GpuHealthPolicyStatus(1L, null, 0, MINUTE_AGO.toString()));
    policy
        .getMetadata()
        .setAnnotations(Map.of(GpuQuarantine.BREAKER_RESET_AT, HOUR_AGO.toString()));

    var result = plan(policy, List.of(node("node-1", unhealthy(0, "gpu", MINUTE_AGO))), List.of());

    assertThat(summary(result)).containsExactly("REFUSE node-1/gpu-0 gpu");
  }

  static Stream<Arguments> recoveries() {
    Duration delay = Duration.ofMinutes(10);
    return Stream.of(
        Arguments.of("still unhealthy", unhealthy(3, "gpu", HOUR_AGO), false, null),
        Arguments.of(
            "healthy, not yet for the delay",
            healthy(3, NOW.minus(delay).plusSeconds(1)),
            false,
            NOW.plusSeconds(1)),
        Arguments.of("healthy for exactly the delay", healthy(3, NOW.minus(delay)), true, null),
        Arguments.of("healthy for longer", healthy(3, HOUR_AGO), true, null),
        // Faulted twice within the flap window (1h): kept until an hour after the last fault.
        Arguments.of(
            "flapping",
            healthy(
                3,
                NOW.minus(Duration.ofMinutes(15)),
                fault("gpu", NOW.minus(Duration.ofMinutes(50)), "XID"),
                fault("gpu", NOW.minus(Duration.ofMinutes(20)), "XID")),
            false,
            NOW.plus(Duration.ofMinutes(40))),
        Arguments.of(
            "faulted twice, further apart than the flap window",
            healthy(
                3,
                NOW.minus(Duration.ofMinutes(15)),
                fault("gpu", NOW.minus(Duration.ofMinutes(150)), "XID"),
                fault("gpu", NOW.minus(Duration.ofMinutes(20)), "XID")),
            true,
            null),
        Arguments.of(
            "an application fault is no flap",
            healthy(
                3,
                NOW.minus(Duration.ofMinutes(15)),
                fault("application", NOW.minus(Duration.ofMinutes(18)), "XID"),
                fault("gpu", NOW.minus(Duration.ofMinutes(20)), "XID")),
            true,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recoveries")
  void aQuarantinedGpuIsReleasedAfterTheRecoveryDelay(
      String name, GpuDeviceHealth gpu, boolean released, Instant wakeAt) {
    var held =
        new Quarantine(
            "node-0",
            "gpu-3",
            "gpu",
            QuarantineEffect.NoSchedule,
            HOUR_AGO.minus(Duration.ofHours(2)));

    var result = plan(null, List.of(node("node-0", gpu)), List.of(held));

    assertThat(summary(result))
        .isEqualTo(released ? List.of("RELEASE node-0/gpu-3 gpu") : List.of());
    assertThat(result.wakeAt()).isEqualTo(Optional.ofNullable(wakeAt));
    assertThat(result.status().quarantined()).isEqualTo(released ? 0 : 1);
  }

  @Test
  void aQuarantinedNodeIsReleasedWhenItsConditionHasBeenTrueForTheDelay() {
    var held =
        new Quarantine(
            "node-0",
            null,
            "node",
            QuarantineEffect.NoSchedule,
            HOUR_AGO.minus(Duration.ofHours(2)));
    var recovered = node("node-0", healthy(0, HOUR_AGO));
    var stillDown = node("node-0", unhealthy(0, "node", HOUR_AGO));

    assertThat(summary(plan(null, List.of(recovered), List.of(held))))
        .containsExactly("RELEASE node-0/ node");
    assertThat(plan(null, List.of(stillDown), List.of(held)).actions()).isEmpty();
  }

  @Test
  void theQuarantineOfANodeThatIsGoneIsReleased() {
    var held = new Quarantine("node-0", "gpu-3", "gpu", QuarantineEffect.NoSchedule, HOUR_AGO);

    assertThat(summary(plan(null, List.of(), List.of(held))))
        .containsExactly("RELEASE node-0/gpu-3 gpu");
  }

  @Test
  void aDryRunReportsWhatItWouldDoAndCountsIt() {
    var policy =
        policy(spec(null, new CircuitBreaker(new IntOrString(1), null, "10m"), null, true));
    var held =
        new Quarantine(
            "node-2",
            "gpu-0",
            "gpu",
            QuarantineEffect.NoSchedule,
            HOUR_AGO.minus(Duration.ofHours(2)));
    List<GpuNodeHealth> nodes =
        List.of(
            node("node-0", unhealthy(1, "gpu", MINUTE_AGO)),
            node("node-1", unhealthy(0, "node", MINUTE_AGO)),
            node("node-2", healthy(0, HOUR_AGO)));

    var result = plan(policy, nodes, List.of(held));

    assertThat(summary(result))
        .containsExactlyInAnyOrder(
            "DRY_RUN node-0/gpu-1 gpu", "DRY_RUN node-1/ node", "DRY_RUN node-2/gpu-0 gpu");
    assertThat(result.actions()).allMatch(a -> a.message().startsWith("would "));
    // The breaker's budget of one does not apply to what is not done; the count is what would be.
    assertThat(result.status().quarantined()).isEqualTo(3);
    assertThat(breaker(result.status()).status()).isEqualTo("False");
  }

  @Test
  void quarantinesThatExistAreNotMadeAgain() {
    var policy =
        policy(spec(null, new CircuitBreaker(new IntOrString(5), null, "10m"), null, false));
    List<GpuNodeHealth> nodes =
        List.of(
            node("node-0", unhealthy(1, "gpu", MINUTE_AGO)),
            node("node-1", unhealthy(0, "node", MINUTE_AGO)));
    var first = plan(policy, nodes, List.of());
    assertThat(summary(first))
        .containsExactly("QUARANTINE_GPU node-0/gpu-1 gpu", "QUARANTINE_NODE node-1/ node");
    // After a restart, the quarantines and the status read back from the API server.
    List<Quarantine> existing =
        first.actions().stream()
            .map(
                a ->
                    new Quarantine(
                        a.node(), a.device(), a.faultClass(), QuarantineEffect.NoSchedule, NOW))
            .toList();
    policy.setStatus(first.status());

    var again = plan(policy, nodes, existing);

    assertThat(again.actions()).isEmpty();
    assertThat(again.status()).isEqualTo(first.status());
  }

  @Test
  void whatStaysQuarantinedTakesThePolicysEffect() {
    var noExecute =
        new GpuHealthPolicySpec(null, null, null, QuarantineEffect.NoExecute, null, false);
    var held =
        List.of(
            new Quarantine("node-0", "gpu-3", "gpu", QuarantineEffect.NoSchedule, HOUR_AGO),
            new Quarantine("node-1", null, "node", QuarantineEffect.NoExecute, HOUR_AGO));
    List<GpuNodeHealth> nodes =
        List.of(
            node("node-0", unhealthy(3, "gpu", HOUR_AGO)),
            node("node-1", unhealthy(0, "node", HOUR_AGO)));

    var result = plan(policy(noExecute), nodes, held);

    assertThat(summary(result)).containsExactly("RETAINT node-0/gpu-3 gpu");
    assertThat(result.actions().getFirst().anchor()).isEqualTo(HOUR_AGO);
  }

  @Test
  void theStatusNamesThePolicysGenerationAndKeepsTheTransitionTime() {
    var policy = policy(spec(null, null, null, false));
    policy.getMetadata().setGeneration(7L);
    var first = plan(policy, List.of(), List.of());
    policy.setStatus(first.status());

    var later = QuarantinePlan.plan(policy, true, List.of(), List.of(), NOW.plusSeconds(60));

    assertThat(later.status().observedGeneration()).isEqualTo(7L);
    assertThat(later.status()).isEqualTo(first.status());
  }

  private static QuarantinePlan.Result plan(
      GpuHealthPolicy policy, List<GpuNodeHealth> nodes, List<Quarantine> existing) {
    return QuarantinePlan.plan(policy, true, nodes, existing, NOW);
  }

  private static List<String> summary(QuarantinePlan.Result result) {
    return result.actions().stream()
        .map(
            a ->
                a.kind()
                    + " "
                    + a.node()
                    + "/"
                    + (a.device() == null ? "" : a.device())
                    + " "
                    + a.faultClass())
        .toList();
  }

  private static Condition breaker(GpuHealthPolicyStatus status) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(ConditionTypes.BREAKER_TRIPPED))
        .findFirst()
        .orElseThrow();
  }

  private static GpuHealthPolicySpec spec(
      List<FaultResponse> responses, CircuitBreaker breaker, GpuRecovery recovery, boolean dryRun) {
    return new GpuHealthPolicySpec(null, recovery, responses, null, breaker, dryRun);
  }

  private static GpuHealthPolicy policy(GpuHealthPolicySpec spec) {
    var policy = new GpuHealthPolicy();
    policy.setMetadata(
        new ObjectMetaBuilder().withName(GpuHealthPolicy.DEFAULT).withGeneration(1L).build());
    policy.setSpec(spec);
    return policy;
  }

  /** A node of eight GPUs, all healthy but the one given. */
  private static GpuDeviceHealth[] eight(GpuDeviceHealth faulty) {
    var gpus = new ArrayList<GpuDeviceHealth>();
    for (int i = 0; i < 8; i++) {
      gpus.add(faulty != null && faulty.index() == i ? faulty : healthy(i, HOUR_AGO));
    }
    return gpus.toArray(GpuDeviceHealth[]::new);
  }

  private static GpuNodeHealth node(String name, GpuDeviceHealth... gpus) {
    boolean healthy = Stream.of(gpus).noneMatch(QuarantinePlan::unusable);
    Instant since =
        Stream.of(gpus).map(g -> Instant.parse(g.since())).max(Instant::compareTo).orElse(HOUR_AGO);
    var health = new GpuNodeHealth();
    health.setMetadata(new ObjectMetaBuilder().withName(name).build());
    health.setSpec(new GpuNodeHealthSpec(name));
    health.setStatus(
        new GpuNodeHealthStatus(
            null,
            List.of(gpuHealthy(healthy, since)),
            NOW.toString(),
            "simulated",
            null,
            null,
            List.of(gpus),
            null,
            null));
    return health;
  }

  private static Condition gpuHealthy(boolean healthy, Instant since) {
    return new Condition(
        ConditionTypes.GPU_HEALTHY,
        healthy ? "True" : "False",
        null,
        since.toString(),
        healthy ? Reasons.GPUS_HEALTHY : Reasons.GPU_UNHEALTHY,
        "");
  }

  private static GpuDeviceHealth unhealthy(int index, String faultClass, Instant since) {
    return new GpuDeviceHealth(
        index,
        "GPU-" + index,
        null,
        null,
        true,
        GpuHealthStatus.Unhealthy,
        "a " + faultClass + " fault",
        since.toString(),
        List.of(fault(faultClass, since, "XID")),
        null,
        null,
        null);
  }

  private static GpuDeviceHealth healthy(int index, Instant since, GpuFault... faults) {
    return new GpuDeviceHealth(
        index,
        "GPU-" + index,
        null,
        null,
        true,
        GpuHealthStatus.Healthy,
        null,
        since.toString(),
        List.of(faults),
        null,
        null,
        null);
  }

  private static GpuFault fault(String faultClass, Instant at, String signal) {
    return new GpuFault(79, signal, faultClass, null, null, at.toString(), "Xid 79");
  }
}

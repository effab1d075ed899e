package dev.bosun.operator;

import static dev.bosun.operator.WarmPoolFixtures.T0;
import static dev.bosun.operator.WarmPoolFixtures.claim;
import static dev.bosun.operator.WarmPoolFixtures.facts;
import static dev.bosun.operator.WarmPoolFixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimStatus;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A claim, the pools and waiting sandboxes in, the step, the patch and the status out. */
class ClaimPlanTest {
  private static final List<EnvVar> ENV = List.of(new EnvVar("MODEL", "small", null));

  static Stream<Arguments> decisions() {
    var pool = pool("p", WarmPoolFixtures.TEMPLATE, 2);
    var otherTemplate = pool("q", "reviewer", 2);
    var oldReady = facts("p-aaaaa", "p", true, 1);
    var newReady = facts("p-bbbbb", "p", true, 2);
    var notReady = facts("p-ccccc", "p", false, 0);
    var ofOtherPool = facts("q-aaaaa", "q", true, 0);
    var bound = boundClaim();
    return Stream.of(
        // name, claim, template found, pools, waiting, held, step
        Arguments.of(
            "bound: observe",
            bound,
            true,
            List.of(pool),
            List.of(oldReady),
            null,
            new ClaimPlan.Observe("s-1")),
        Arguments.of(
            "bound even without template",
            bound,
            false,
            List.of(),
            List.of(),
            null,
            new ClaimPlan.Observe("s-1")),
        Arguments.of(
            "held by label, status lost: observe",
            claim("c"),
            true,
            List.of(pool),
            List.of(oldReady),
            facts("p-zzzzz", "p", true, 0),
            new ClaimPlan.Observe("p-zzzzz")),
        Arguments.of(
            "no template",
            claim("c"),
            false,
            List.of(pool),
            List.of(oldReady),
            null,
            new ClaimPlan.TemplateMissing()),
        Arguments.of(
            "no pool",
            claim("c"),
            true,
            List.of(),
            List.of(),
            null,
            new ClaimPlan.ColdStart(Reasons.NO_WARM_POOL)),
        Arguments.of(
            "only a pool of another template",
            claim("c"),
            true,
            List.of(otherTemplate),
            List.of(ofOtherPool),
            null,
            new ClaimPlan.ColdStart(Reasons.NO_WARM_POOL)),
        Arguments.of(
            "warmPoolRef names another pool",
            claim("c", "elsewhere", null, null),
            true,
            List.of(pool),
            List.of(oldReady),
            null,
            new ClaimPlan.ColdStart(Reasons.NO_WARM_POOL)),
        Arguments.of(
            "env differs",
            claim("c", null, ENV, null),
            true,
            List.of(pool),
            List.of(oldReady),
            null,
            new ClaimPlan.ColdStart(Reasons.ENV_DIFFERS)),
        Arguments.of(
            "only not ready ones",
            claim("c"),
            true,
            List.of(pool),
            List.of(notReady),
            null,
            new ClaimPlan.ColdStart(Reasons.WARM_POOL_EMPTY)),
        Arguments.of(
            "ready ones, oldest first",
            claim("c"),
            true,
            List.of(pool),
            List.of(newReady, notReady, oldReady),
            null,
            new ClaimPlan.Adopt(List.of(oldReady, newReady))),
        Arguments.of(
            "warmPoolRef: only that pool's",
            claim("c", "p", null, null),
            true,
            List.of(pool, pool("r", WarmPoolFixtures.TEMPLATE, 1)),
            List.of(oldReady, facts("r-aaaaa", "r", true, 0)),
            null,
            new ClaimPlan.Adopt(List.of(oldReady))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(
      String name,
      SandboxClaim claim,
      boolean templateFound,
      List<SandboxWarmPool> pools,
      List<SandboxFacts> waiting,
      SandboxFacts held,
      ClaimPlan.Step step) {
    assertThat(ClaimPlan.decide(claim, templateFound, pools, waiting, held)).isEqualTo(step);
  }

  @Test
  void aSandboxOfTheRightPoolNameButAnotherOwnerIsNoCandidate() {
    var impostor = WarmPoolFixtures.waiting("p-aaaaa", "p", true, 0);
    impostor.getMetadata().getOwnerReferences().getFirst().setUid("someone-else");
    assertThat(
            ClaimPlan.decide(
                claim("c"),
                true,
                List.of(pool("p", WarmPoolFixtures.TEMPLATE, 1)),
                List.of(SandboxFacts.of(impostor)),
                null))
        .isEqualTo(new ClaimPlan.ColdStart(Reasons.WARM_POOL_EMPTY));
  }

  @Test
  void theAdoptionPatchTestsTheVersionAndMovesTheSandboxToTheClaimInOneWrite() {
    var lifecycle = new SandboxLifecycle("2h", "15m", ShutdownPolicy.Retain);
    var claim = claim("c", null, null, lifecycle);
    String json =
        Serialization.asJson(
            ClaimPlan.adoption(
                claim, Children.controllerReference(claim), "42", true, T0.plusMillis(120)));
    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/ownerReferences\",\"value\":[{\"apiVersion\":\"bosun.dev/v1alpha1\",\"kind\":\"SandboxClaim\",\"controller\":true,\"name\":\"c\",\"uid\":\"uid-c\"}]},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/bosun.dev~1warm-pool\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/labels/bosun.dev~1sandbox-claim\",\"value\":\"c\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/bosun.dev~1claimed-at\",\"value\":\"2026-12-01T12:00:00.120Z\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/lifecycle\",\"value\":{\"ttl\":\"2h\",\"idleTimeout\":\"15m\",\"shutdownPolicy\":\"Retain\"}}]");
  }

  @Test
  void withoutAnnotationsOrLifecycleThePatchAddsTheMapAndLeavesTheSpec() {
    String json =
        Serialization.asJson(
            ClaimPlan.adoption(
                claim("c"), Children.controllerReference(claim("c")), "42", false, T0));
    assertThat(json)
        .contains(
            "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"bosun.dev/claimed-at\":\"2026-12-01T12:00:00Z\"}}")
        .doesNotContain("/spec");
  }

  @Test
  void aColdStartIsNamedAfterTheClaimOwnedByItWithItsSpec() {
    var lifecycle = new SandboxLifecycle("1h", null, null);
    var claim = claim("c", null, ENV, lifecycle);
    var sandbox = ClaimPlan.coldStart(claim, Children.controllerReference(claim));
    assertThat(sandbox.getMetadata().getName()).isEqualTo("c");
    assertThat(sandbox.getMetadata().getLabels()).isEqualTo(Map.of(Sandboxes.CLAIM_LABEL, "c"));
    assertThat(sandbox.getMetadata().getOwnerReferences().getFirst().getUid()).isEqualTo("uid-c");
    assertThat(sandbox.getSpec().sandboxTemplateRef())
        .isEqualTo(new ObjectName(WarmPoolFixtures.TEMPLATE));
    assertThat(sandbox.getSpec().env()).isEqualTo(ENV);
    assertThat(sandbox.getSpec().lifecycle()).isEqualTo(lifecycle);
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        // name, source, reason, sandbox ready, status ready, condition reason, readyAt set
        Arguments.of(
            "warm and ready",
            Sandboxes.SOURCE_WARM_POOL,
            null,
            true,
            "True",
            Reasons.CLAIMED_FROM_WARM_POOL,
            true),
        Arguments.of(
            "cold, starting",
            Sandboxes.SOURCE_COLD_START,
            Reasons.NO_WARM_POOL,
            false,
            "False",
            Reasons.SANDBOX_NOT_READY,
            false),
        Arguments.of(
            "cold and ready",
            Sandboxes.SOURCE_COLD_START,
            Reasons.ENV_DIFFERS,
            true,
            "True",
            Reasons.COLD_STARTED,
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void reportsTheBinding(
      String name,
      String source,
      String coldStartReason,
      boolean sandboxReady,
      String ready,
      String reason,
      boolean readyAtSet) {
    var status =
        ClaimPlan.bound(
            claim("c"), "s-1", facts("s-1", "p", sandboxReady, 0), source, coldStartReason, T0);
    assertThat(status.sandbox()).isEqualTo(new ObjectName("s-1"));
    assertThat(status.source()).isEqualTo(source);
    assertThat(status.coldStartReason()).isEqualTo(coldStartReason);
    assertThat(status.boundAt()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(status.readyAt()).isEqualTo(readyAtSet ? "2026-12-01T12:00:00Z" : null);
    assertThat(status.observedGeneration()).isEqualTo(1L);
    var condition = Conditions.find(status.conditions(), ConditionTypes.READY);
    assertThat(condition.status()).isEqualTo(ready);
    assertThat(condition.reason()).isEqualTo(reason);
  }

  @Test
  void observingKeepsTheSourceAndTheFirstTimes() {
    var claim = boundClaim();
    var status =
        ClaimPlan.bound(claim, "s-1", facts("s-1", "p", true, 0), null, null, T0.plusSeconds(9));
    assertThat(status.source()).isEqualTo(Sandboxes.SOURCE_COLD_START);
    assertThat(status.coldStartReason()).isEqualTo(Reasons.WARM_POOL_EMPTY);
    assertThat(status.boundAt()).isEqualTo("2026-12-01T12:00:01Z");
    assertThat(status.readyAt()).isEqualTo("2026-12-01T12:00:09Z");
    var again = claimWith(status);
    assertThat(
            ClaimPlan.bound(
                again, "s-1", facts("s-1", "p", true, 0), null, null, T0.plusSeconds(60)))
        .isEqualTo(status);
  }

  @Test
  void aSandboxGoneOrNotReadySaysSo() {
    var gone = ClaimPlan.bound(boundClaim(), "s-1", null, null, null, T0);
    assertThat(Conditions.find(gone.conditions(), ConditionTypes.READY).message())
        .isEqualTo("Sandbox s-1 is gone");
    var starting =
        ClaimPlan.bound(boundClaim(), "s-1", facts("s-1", "p", false, 0), null, null, T0);
    assertThat(Conditions.find(starting.conditions(), ConditionTypes.READY).message())
        .isEqualTo("Sandbox s-1 is not ready (PodStarting: the pod is starting)");
  }

  @Test
  void aClaimWhoseStatusWasLostTellsAWarmSandboxByItsClaimDate() {
    var taken = WarmPoolFixtures.waiting("p-aaaaa", "p", true, 0);
    taken.getMetadata().setAnnotations(Map.of(Sandboxes.CLAIMED_AT, "2026-12-01T12:00:05.500Z"));
    var status =
        ClaimPlan.bound(
            claim("c"), "p-aaaaa", SandboxFacts.of(taken), null, null, T0.plusSeconds(30));
    assertThat(status.source()).isEqualTo(Sandboxes.SOURCE_WARM_POOL);
    assertThat(status.boundAt()).isEqualTo("2026-12-01T12:00:05.500Z");
  }

  @Test
  void aMissingTemplateIsNamedWithItsField() {
    var status = ClaimPlan.templateMissing(claim("c"), T0);
    var condition = Conditions.find(status.conditions(), ConditionTypes.READY);
    assertThat(condition.reason()).isEqualTo(Reasons.TEMPLATE_NOT_FOUND);
    assertThat(condition.message())
        .isEqualTo("spec.sandboxTemplateRef.name: no SandboxTemplate coder in namespace agents");
    assertThat(status.sandbox()).isNull();
  }

  /** A claim bound to s-1 by a cold start at T0+1s, its sandbox not yet ready. */
  private static SandboxClaim boundClaim() {
    return claimWith(
        new SandboxClaimStatus(
            1L,
            List.of(),
            new ObjectName("s-1"),
            Sandboxes.SOURCE_COLD_START,
            Reasons.WARM_POOL_EMPTY,
            "2026-12-01T12:00:01Z",
            null));
  }

  private static SandboxClaim claimWith(SandboxClaimStatus status) {
    var claim = claim("c");
    claim.setStatus(status);
    return claim;
  }
}

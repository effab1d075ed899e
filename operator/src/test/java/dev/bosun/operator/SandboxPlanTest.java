package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxStatus;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.manifest.TierCatalog;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Sandbox's plan: what the operator does and reports, case by case. */
class SandboxPlanTest {
  private static final Instant CREATED = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant READY = CREATED.plusSeconds(2);
  private static final Tier TIER = TierCatalog.defaults().find("cpu-s").orElseThrow();

  private static SandboxTemplate template(SandboxLifecycle lifecycle) {
    var template = SandboxFixtures.template("agent", "cpu-s", lifecycle);
    template.getMetadata().setNamespace("ns");
    return template;
  }

  private static Sandbox sandbox(OperatingMode mode, SandboxLifecycle lifecycle) {
    var sandbox = SandboxFixtures.sandbox("alice", "agent", null);
    sandbox.setSpec(new SandboxSpec(sandbox.getSpec().sandboxTemplateRef(), mode, null, lifecycle));
    sandbox.getMetadata().setNamespace("ns");
    sandbox.getMetadata().setGeneration(1L);
    sandbox.getMetadata().setCreationTimestamp(CREATED.toString());
    return sandbox;
  }

  private static Sandbox annotated(Sandbox sandbox, String key, String value) {
    sandbox.getMetadata().setAnnotations(Map.of(key, value));
    return sandbox;
  }

  private static Sandbox withStatus(Sandbox sandbox, SandboxStatus status) {
    sandbox.setStatus(status);
    return sandbox;
  }

  private static Pod pod(String phase, boolean ready, boolean deleting) {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("alice")
            .withNamespace("ns")
            .withDeletionTimestamp(deleting ? CREATED.plusSeconds(60).toString() : null)
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-1")
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .withPodIP("10.0.0.7")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .withLastTransitionTime(CREATED.plusSeconds(1).toString())
            .endCondition()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .withLastTransitionTime(READY.toString())
            .endCondition()
            .endStatus()
            .build();
    return pod;
  }

  private static final Pod READY_POD = pod("Running", true, false);

  private static SandboxPlan plan(Sandbox sandbox, SandboxTemplate template, Pod pod, Instant now) {
    SandboxPlan.Blocker blocker = SandboxPlan.blocker(sandbox, template, TIER);
    return SandboxPlan.of(sandbox, blocker, template, null, pod, List.of(), now);
  }

  private static Condition condition(SandboxPlan plan, String type) {
    return Conditions.find(plan.status().conditions(), type);
  }

  /** What the plan does: create, delete the pod, suspend, delete the sandbox; the Ready reason. */
  record Expected(
      boolean create, boolean deletePod, boolean suspend, boolean deleteSandbox, String reason) {}

  static Stream<Arguments> cases() {
    var idle = new SandboxLifecycle(null, "5m", null);
    var ttl = new SandboxLifecycle("1h", null, null);
    var retained = new SandboxLifecycle("1h", null, ShutdownPolicy.Retain);
    Instant hourLater = CREATED.plus(Duration.ofHours(1));
    return Stream.of(
        Arguments.of(
            "running, no pod: create it",
            sandbox(null, null),
            null,
            CREATED,
            new Expected(true, false, false, false, Reasons.POD_STARTING)),
        Arguments.of(
            "running, pod ready",
            sandbox(null, null),
            READY_POD,
            READY,
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)),
        Arguments.of(
            "running, pod failed: delete it (its deletion makes another)",
            sandbox(null, null),
            pod("Failed", false, false),
            READY,
            new Expected(false, true, false, false, Reasons.POD_STARTING)),
        Arguments.of(
            "running, pod succeeded: delete it",
            sandbox(null, null),
            pod("Succeeded", false, false),
            READY,
            new Expected(false, true, false, false, Reasons.POD_STARTING)),
        Arguments.of(
            "running, pod being deleted: wait for it to go",
            sandbox(null, null),
            pod("Running", true, true),
            READY,
            new Expected(false, false, false, false, Reasons.POD_STARTING)),
        Arguments.of(
            "suspended with a pod: delete it",
            sandbox(OperatingMode.Suspended, null),
            READY_POD,
            READY,
            new Expected(false, true, false, false, Reasons.SUSPENDED_BY_REQUEST)),
        Arguments.of(
            "suspended, pod gone",
            sandbox(OperatingMode.Suspended, null),
            null,
            READY,
            new Expected(false, false, false, false, Reasons.SUSPENDED_BY_REQUEST)),
        Arguments.of(
            "idle for the timeout: suspend and delete the pod",
            sandbox(null, idle),
            READY_POD,
            READY.plus(Duration.ofMinutes(5)),
            new Expected(false, true, true, false, Reasons.IDLE_TIMEOUT)),
        Arguments.of(
            "used within the timeout: stays",
            annotated(
                sandbox(null, idle),
                Sandboxes.LAST_ACTIVITY,
                READY.plus(Duration.ofMinutes(3)).toString()),
            READY_POD,
            READY.plus(Duration.ofMinutes(5)),
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)),
        Arguments.of(
            "idle but waiting in a pool: stays",
            labelled(sandbox(null, idle)),
            READY_POD,
            READY.plus(Duration.ofHours(5)),
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)),
        Arguments.of(
            "claimed from a pool after hours ready: idles from the claim, not from ready",
            annotated(
                sandbox(null, idle),
                Sandboxes.CLAIMED_AT,
                READY.plus(Duration.ofHours(5)).toString()),
            READY_POD,
            READY.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(4)),
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)),
        Arguments.of(
            "claimed from a pool and then unused for the timeout: suspend",
            annotated(
                sandbox(null, idle),
                Sandboxes.CLAIMED_AT,
                READY.plus(Duration.ofHours(5)).toString()),
            READY_POD,
            READY.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(5)),
            new Expected(false, true, true, false, Reasons.IDLE_TIMEOUT)),
        Arguments.of(
            "TTL ran out, Delete: delete the sandbox",
            sandbox(null, ttl),
            READY_POD,
            hourLater,
            new Expected(false, false, false, true, null)),
        Arguments.of(
            "TTL ran out but waiting in a pool: stays",
            labelled(sandbox(null, ttl)),
            READY_POD,
            hourLater,
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)),
        Arguments.of(
            "TTL counts from the claim: not yet",
            annotated(
                sandbox(null, ttl), Sandboxes.CLAIMED_AT, CREATED.plusSeconds(600).toString()),
            READY_POD,
            hourLater,
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)),
        Arguments.of(
            "TTL ran out, Retain: pod deleted, Running spec or not",
            sandbox(OperatingMode.Running, retained),
            READY_POD,
            hourLater,
            new Expected(false, true, false, false, Reasons.TTL_EXPIRED)),
        Arguments.of(
            "TTL ran out, Retain, pod gone: nothing is made again",
            sandbox(OperatingMode.Running, retained),
            null,
            hourLater.plusSeconds(5),
            new Expected(false, false, false, false, Reasons.TTL_EXPIRED)),
        Arguments.of(
            "the sandbox's TTL extends the template's",
            sandbox(null, new SandboxLifecycle("2h", null, null)),
            READY_POD,
            hourLater,
            new Expected(false, false, false, false, Reasons.SANDBOX_READY)));
  }

  private static Sandbox labelled(Sandbox sandbox) {
    sandbox.getMetadata().setLabels(Map.of(Sandboxes.WARM_POOL_LABEL, "pool"));
    return sandbox;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, Sandbox sandbox, Pod pod, Instant now, Expected expected) {
    SandboxPlan plan = plan(sandbox, template(null), pod, now);
    assertThat(plan.blocker()).isNull();
    assertThat(
            new Expected(
                plan.createPod(),
                plan.deletePod(),
                plan.suspendForIdle(),
                plan.deleteSandbox(),
                plan.deleteSandbox() ? null : condition(plan, ConditionTypes.READY).reason()))
        .isEqualTo(expected);
  }

  @Test
  void aMissingTemplateOrTierBlocksAndNamesTheField() {
    var missingTemplate =
        SandboxPlan.of(
            sandbox(null, null),
            SandboxPlan.blocker(sandbox(null, null), null, null),
            null,
            null,
            null,
            List.of(),
            CREATED);
    assertThat(missingTemplate.createPod()).isFalse();
    assertThat(condition(missingTemplate, ConditionTypes.READY).reason())
        .isEqualTo(Reasons.TEMPLATE_NOT_FOUND);
    assertThat(condition(missingTemplate, ConditionTypes.READY).message())
        .startsWith("spec.sandboxTemplateRef.name: SandboxTemplate \"agent\" does not exist");

    SandboxPlan.Blocker noTier = SandboxPlan.blocker(sandbox(null, null), template(null), null);
    assertThat(noTier.reason()).isEqualTo(Reasons.TIER_NOT_FOUND);
    assertThat(noTier.message()).contains("spec.size: tier \"cpu-s\" does not exist");
  }

  @Test
  void anInvalidSpecBlocksWithTheField() {
    SandboxPlan.Blocker blocker =
        SandboxPlan.blocker(
            sandbox(null, new SandboxLifecycle("-1h", null, null)), template(null), TIER);
    assertThat(blocker.reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(blocker.message()).startsWith("spec.lifecycle.ttl: ");
  }

  @Test
  void aReadySandboxReportsItsPodNameVolumeAndTimings() {
    var sandbox = sandbox(null, new SandboxLifecycle("1h", "5m", null));
    SandboxPlan plan =
        SandboxPlan.of(sandbox, null, template(null), "pv-1", READY_POD, List.of(), READY);
    SandboxStatus status = plan.status();
    assertThat(status.operatingMode()).isEqualTo(OperatingMode.Running);
    assertThat(status.podName()).isEqualTo("alice");
    assertThat(status.podIP()).isEqualTo("10.0.0.7");
    assertThat(status.nodeName()).isEqualTo("node-1");
    assertThat(status.port()).isEqualTo(Sandboxes.DEFAULT_PORT);
    assertThat(status.service()).isEqualTo("alice");
    assertThat(status.serviceFQDN()).isEqualTo("alice.ns.svc.cluster.local");
    assertThat(status.volumeClaimName()).isEqualTo("alice-memory");
    assertThat(status.volumeName()).isEqualTo("pv-1");
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(status.timings().requestedAt()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(status.timings().scheduledAt()).isEqualTo("2026-12-01T10:00:01Z");
    assertThat(status.timings().readyAt()).isEqualTo("2026-12-01T10:00:02Z");
    assertThat(status.timings().expiresAt()).isEqualTo("2026-12-01T11:00:00Z");
    // The next deadline is the idle timeout, 5 minutes after ready; not a poll.
    assertThat(plan.wakeAt()).contains(READY.plus(Duration.ofMinutes(5)));
    assertThat(Conditions.isTrue(status.conditions(), ConditionTypes.SUSPENDED)).isFalse();
    assertThat(Conditions.isTrue(status.conditions(), ConditionTypes.EXPIRED)).isFalse();
  }

  @Test
  void anIdleSuspensionIsRememberedUntilAResumeWhichStartsANewRun() {
    var lifecycle = new SandboxLifecycle(null, "5m", null);
    Instant idleAt = READY.plus(Duration.ofMinutes(5));
    SandboxPlan suspended = plan(sandbox(null, lifecycle), template(null), READY_POD, idleAt);
    assertThat(suspended.suspendForIdle()).isTrue();
    assertThat(suspended.status().timings().suspendedAt()).isEqualTo(idleAt.toString());

    // The spec now says Suspended (the operator's patch, which dated it with the generation it
    // made); the pod is gone.
    var after =
        withStatus(
            annotated(
                sandbox(OperatingMode.Suspended, lifecycle),
                Sandboxes.IDLE_SUSPENDED_GENERATION,
                "2"),
            suspended.status());
    after.getMetadata().setGeneration(2L);
    SandboxPlan later = plan(after, template(null), null, idleAt.plusSeconds(30));
    assertThat(condition(later, ConditionTypes.SUSPENDED).reason()).isEqualTo(Reasons.IDLE_TIMEOUT);
    assertThat(later.status().operatingMode()).isEqualTo(OperatingMode.Suspended);
    assertThat(later.status().podName()).isNull();
    assertThat(later.status().timings().suspendedAt()).isEqualTo(idleAt.toString());
    assertThat(later.wakeAt()).isEmpty();

    // The router resumes it: a new run, requested now.
    Instant resumedAt = idleAt.plusSeconds(60);
    var resumed = withStatus(sandbox(OperatingMode.Running, lifecycle), later.status());
    SandboxPlan resume = plan(resumed, template(null), null, resumedAt);
    assertThat(resume.createPod()).isTrue();
    assertThat(resume.status().timings().requestedAt()).isEqualTo(resumedAt.toString());
    assertThat(condition(resume, ConditionTypes.SUSPENDED).status()).isEqualTo("False");

    // Suspended again by a person, later: the generation moved on, so it was not the idle timeout.
    var byHand =
        annotated(
            sandbox(OperatingMode.Suspended, lifecycle), Sandboxes.IDLE_SUSPENDED_GENERATION, "2");
    byHand.getMetadata().setGeneration(4L);
    SandboxPlan manual = plan(byHand, template(null), null, resumedAt.plusSeconds(60));
    assertThat(condition(manual, ConditionTypes.SUSPENDED).reason())
        .isEqualTo(Reasons.SUSPENDED_BY_REQUEST);
  }

  @Test
  void aRetainedExpiryIsExpiredAndSuspended() {
    Instant later = CREATED.plus(Duration.ofHours(2));
    SandboxPlan plan =
        plan(
            sandbox(null, new SandboxLifecycle("1h", null, ShutdownPolicy.Retain)),
            template(null),
            null,
            later);
    assertThat(Conditions.isTrue(plan.status().conditions(), ConditionTypes.EXPIRED)).isTrue();
    assertThat(condition(plan, ConditionTypes.SUSPENDED).reason()).isEqualTo(Reasons.TTL_EXPIRED);
    assertThat(plan.wakeAt()).isEmpty();
  }

  @Test
  void theTemplatesLifecycleIsTheDefault() {
    SandboxPlan plan =
        plan(
            sandbox(null, null),
            template(new SandboxLifecycle("30m", null, null)),
            READY_POD,
            READY);
    assertThat(plan.wakeAt()).isEqualTo(Optional.of(CREATED.plus(Duration.ofMinutes(30))));
  }
}

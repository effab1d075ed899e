package dev.bosun.operator;

import static dev.bosun.operator.WarmPoolFixtures.T0;
import static dev.bosun.operator.WarmPoolFixtures.facts;
import static dev.bosun.operator.WarmPoolFixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandboxes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A warm pool's sandboxes in, what to make and delete and the pool's status out. */
class WarmPoolPlanTest {

  static Stream<Arguments> table() {
    var a = facts("p-aaaaa", "p", true, 1);
    var b = facts("p-bbbbb", "p", true, 2);
    var c = facts("p-ccccc", "p", false, 3);
    var d = facts("p-ddddd", "p", false, 4);
    var e = facts("p-eeeee", "p", true, 5);
    var otherPool = facts("q-aaaaa", "q", true, 1);
    return Stream.of(
        // name, replicas, template found, sandboxes, create, delete, replicas, ready, reason
        Arguments.of(
            "empty pool fills", 3, true, List.of(), 3, List.of(), 0, 0, Reasons.POOL_FILLING),
        Arguments.of("full", 2, true, List.of(a, b), 0, List.of(), 2, 2, Reasons.POOL_FULL),
        Arguments.of(
            "all there, one not ready",
            2,
            true,
            List.of(a, c),
            0,
            List.of(),
            2,
            1,
            Reasons.POOL_FILLING),
        Arguments.of(
            "a claim took one", 3, true, List.of(a, b), 1, List.of(), 2, 2, Reasons.POOL_FILLING),
        Arguments.of(
            "scale down: not ready first, newest of those first",
            2,
            true,
            List.of(a, b, c, d),
            0,
            List.of("p-ddddd", "p-ccccc"),
            4,
            2,
            Reasons.POOL_FILLING),
        Arguments.of(
            "scale down among ready ones: newest first",
            1,
            true,
            List.of(a, b, e),
            0,
            List.of("p-eeeee", "p-bbbbb"),
            3,
            3,
            Reasons.POOL_FILLING),
        Arguments.of(
            "to zero", 0, true, List.of(a), 0, List.of("p-aaaaa"), 1, 1, Reasons.POOL_FILLING),
        Arguments.of("zero is full", 0, true, List.of(), 0, List.of(), 0, 0, Reasons.POOL_FULL),
        Arguments.of(
            "another pool's do not count",
            1,
            true,
            List.of(otherPool),
            1,
            List.of(),
            0,
            0,
            Reasons.POOL_FILLING),
        Arguments.of(
            "no template: nothing made, surplus still goes",
            1,
            false,
            List.of(a, b),
            0,
            List.of("p-bbbbb"),
            2,
            2,
            Reasons.TEMPLATE_NOT_FOUND));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plansAndReports(
      String name,
      int replicas,
      boolean templateFound,
      List<SandboxFacts> sandboxes,
      int create,
      List<String> delete,
      int statusReplicas,
      int ready,
      String reason) {
    var plan = WarmPoolPlan.plan(pool("p", "coder", replicas), templateFound, sandboxes, T0);
    assertThat(plan.create()).isEqualTo(create);
    assertThat(plan.delete()).isEqualTo(delete);
    assertThat(plan.status().replicas()).isEqualTo(statusReplicas);
    assertThat(plan.status().readyReplicas()).isEqualTo(ready);
    assertThat(plan.status().selector()).isEqualTo(Sandboxes.WARM_POOL_LABEL + "=p");
    assertThat(plan.status().observedGeneration()).isEqualTo(1L);
    var condition = Conditions.find(plan.status().conditions(), ConditionTypes.READY);
    assertThat(condition.reason()).isEqualTo(reason);
    assertThat(condition.status()).isEqualTo(Reasons.POOL_FULL.equals(reason) ? "True" : "False");
  }

  @Test
  void aMissingTemplateIsNamedWithItsField() {
    var plan = WarmPoolPlan.plan(pool("p", "nope", 1), false, List.of(), T0);
    assertThat(Conditions.find(plan.status().conditions(), ConditionTypes.READY).message())
        .isEqualTo("spec.sandboxTemplateRef.name: no SandboxTemplate nope in namespace agents");
  }

  @Test
  void sandboxesBeingDeletedOrOfAnotherOwnerAreNotWaiting() {
    var deleting = WarmPoolFixtures.waiting("p-aaaaa", "p", true, 1);
    deleting.getMetadata().setDeletionTimestamp(T0.toString());
    var foreign = WarmPoolFixtures.waiting("p-bbbbb", "p", true, 1);
    foreign.getMetadata().setOwnerReferences(new ArrayList<>());
    var plan =
        WarmPoolPlan.plan(
            pool("p", "coder", 2),
            true,
            List.of(SandboxFacts.of(deleting), SandboxFacts.of(foreign)),
            T0);
    assertThat(plan.create()).isEqualTo(2);
    assertThat(plan.status().replicas()).isZero();
  }

  @Test
  void aPoolNameTooLongForItsSandboxesIsRefusedWithTheField() {
    String longName = "p".repeat(WarmPoolPlan.MAX_POOL_NAME + 1);
    var plan = WarmPoolPlan.plan(pool(longName, "coder", 1), true, List.of(), T0);
    assertThat(plan.create()).isZero();
    var condition = Conditions.find(plan.status().conditions(), ConditionTypes.READY);
    assertThat(condition.reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(condition.message()).startsWith("metadata.name: at most 57 characters");
  }
}

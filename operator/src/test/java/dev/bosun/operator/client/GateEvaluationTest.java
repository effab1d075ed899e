package dev.bosun.operator.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.GateResult;
import dev.bosun.api.v1alpha1.Gates;
import dev.bosun.api.v1alpha1.WorkloadSlo;
import dev.bosun.operator.client.GateEvaluation.Answer;
import dev.bosun.operator.client.GateEvaluation.LoadRun;
import dev.bosun.operator.client.GateEvaluation.Probe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GateEvaluationTest {
  private static final WorkloadSlo SLO = new WorkloadSlo(10, "500ms", "1%");

  /** {@code ok} answers after {@code latencyMillis}, then {@code others}, in a 10 s run at 10/s. */
  private static LoadRun run(int ok, long latencyMillis, Answer... others) {
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < ok; i++) {
      answers.add(Answer.of(200, Duration.ofMillis(latencyMillis)));
    }
    answers.addAll(List.of(others));
    return new LoadRun(10, Duration.ofSeconds(10), answers);
  }

  private static final Answer RESET = Answer.unanswered("IOException: connection reset");
  private static final Answer BAD_GATEWAY = Answer.of(502, Duration.ofMillis(3));
  private static final Answer SLOW = Answer.of(200, Duration.ofSeconds(2));

  static Stream<Arguments> loads() {
    return Stream.of(
        // run, LoadTest passes, ServiceLevelObjective passes, what the SLO message says
        Arguments.of(run(100, 120), true, true, "p99 120ms ≤ 500ms"),
        // One reset in 100 is exactly the objective: both hold.
        Arguments.of(run(99, 120, RESET), true, true, "errors 1.00% ≤ 1%"),
        Arguments.of(run(98, 120, RESET, RESET), false, false, "errors 2.00% exceed"),
        // A 502 is an answer: the load test holds, the error objective does not.
        Arguments.of(run(98, 120, BAD_GATEWAY, BAD_GATEWAY), true, false, "errors 2.00% exceed"),
        // Two slow answers in 100: the p99 is the 99th, a slow one.
        Arguments.of(
            run(98, 120, SLOW, SLOW), true, false, "p99 2000ms exceeds the objective 500ms"),
        Arguments.of(run(99, 120, SLOW), true, true, "p99 120ms"),
        Arguments.of(run(0, 0), false, false, "p99 - exceeds"));
  }

  @ParameterizedTest
  @MethodSource("loads")
  void loadAndServiceLevel(LoadRun run, boolean loadPasses, boolean sloPasses, String says) {
    GateResult load = GateEvaluation.loadTest(SLO, run);
    GateResult slo = GateEvaluation.serviceLevel(SLO, run);
    assertThat(load.name()).isEqualTo(Gates.LOAD_TEST);
    assertThat(load.passed()).isEqualTo(loadPasses);
    assertThat(slo.name()).isEqualTo(Gates.SERVICE_LEVEL);
    assertThat(slo.passed()).as(slo.message()).isEqualTo(sloPasses);
    assertThat(slo.message()).contains(says);
    assertThat(slo.evidence()).containsEntry("sent", Integer.toString(run.answers().size()));
  }

  static Stream<Arguments> probes() {
    Answer ok = Answer.of(200, Duration.ofMillis(5));
    Answer badRequest = Answer.of(400, Duration.ofMillis(5));
    Answer crashed = Answer.of(500, Duration.ofMillis(5));
    Answer refused = Answer.unanswered("ConnectException");
    return Stream.of(
        Arguments.of(List.of(badRequest, Answer.of(415, null)), List.of(ok, ok), true, "4xx"),
        // Accepting a malformed body is no crash.
        Arguments.of(List.of(ok, badRequest), List.of(ok), true, "kept serving"),
        Arguments.of(
            List.of(badRequest, crashed), List.of(ok), false, "wrong types to /v1 → HTTP 500"),
        Arguments.of(List.of(refused), List.of(ok), false, "no answer: ConnectException"),
        // Every probe answered 4xx, but the Workload stopped serving afterwards.
        Arguments.of(List.of(badRequest), List.of(ok, refused), false, "stopped serving"),
        Arguments.of(List.of(), List.of(ok), false, "no malformed request"));
  }

  @ParameterizedTest
  @MethodSource("probes")
  void malformedInput(List<Answer> probed, List<Answer> afterwards, boolean passes, String says) {
    List<Probe> probes = new ArrayList<>();
    for (int i = 0; i < probed.size(); i++) {
      probes.add(new Probe("/v1", i == 1 ? "wrong types" : "truncated JSON", probed.get(i)));
    }
    GateResult result = GateEvaluation.malformedInput(probes, afterwards);
    assertThat(result.name()).isEqualTo(Gates.MALFORMED_INPUT);
    assertThat(result.passed()).as(result.message()).isEqualTo(passes);
    assertThat(result.message()).contains(says);
  }

  @ParameterizedTest
  @MethodSource("loads")
  void partialOutageHoldsTheErrorObjectiveOnly(
      LoadRun run, boolean loadPasses, boolean sloPasses, String says) {
    GateResult result = GateEvaluation.partialOutage(SLO, run, "chat-1");
    boolean errorsWithin =
        !run.answers().isEmpty()
            && run.answers().stream().filter(a -> !a.ok()).count() * 100 <= run.answers().size();
    assertThat(result.passed()).as(result.message()).isEqualTo(errorsWithin);
    assertThat(result.evidence()).containsEntry("podDeleted", "chat-1");
  }

  @Test
  void aSkippedGateIsNeitherPassedNorFailedAndFailsTheWhole() {
    var skipped = GateEvaluation.skipped(Gates.PARTIAL_OUTAGE, Gates.MALFORMED_INPUT);
    assertThat(skipped.passed()).isNull();
    assertThat(skipped.message()).isEqualTo("not run: MalformedInput failed");
    var failed = GateEvaluation.serviceLevel(SLO, run(98, 120, SLOW, SLOW));
    assertThat(GateEvaluation.passed(List.of(failed, skipped))).isFalse();
    assertThat(GateEvaluation.failures(List.of(failed, skipped)))
        .startsWith("ServiceLevelObjective failed: p99 2000ms exceeds the objective 500ms [")
        .contains("p99=2000ms")
        .doesNotContain("PartialOutage");
    assertThat(GateEvaluation.passed(List.of(GateEvaluation.loadTest(SLO, run(100, 1))))).isTrue();
  }
}

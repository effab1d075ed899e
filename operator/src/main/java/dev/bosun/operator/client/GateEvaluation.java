package dev.bosun.operator.client;

import dev.bosun.api.v1alpha1.GateResult;
import dev.bosun.api.v1alpha1.Gates;
import dev.bosun.api.v1alpha1.WorkloadSlo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The promotion gates' verdicts: pure functions from what {@link PromotionGateRunner} saw to a
 * {@link GateResult} per gate, with the evidence a person needs to see why.
 */
public final class GateEvaluation {

  private GateEvaluation() {}

  /**
   * How one request ended: an HTTP status after {@code latency}, or no answer ({@code failure}: a
   * reset, a refused connection, a timeout).
   */
  public record Answer(int status, Duration latency, String failure) {
    public static Answer of(int status, Duration latency) {
      return new Answer(status, latency, null);
    }

    public static Answer unanswered(String failure) {
      return new Answer(0, null, Objects.requireNonNull(failure));
    }

    public boolean answered() {
      return failure == null;
    }

    /** A 2xx: what a well-formed request should get. */
    public boolean ok() {
      return answered() && status >= 200 && status < 300;
    }
  }

  /** A load run: {@code requestsPerSecond} for {@code duration}, and every request's answer. */
  public record LoadRun(int requestsPerSecond, Duration duration, List<Answer> answers) {
    public LoadRun {
      answers = List.copyOf(answers);
    }

    long unanswered() {
      return answers.stream().filter(a -> !a.answered()).count();
    }

    long failed() {
      return answers.stream().filter(a -> !a.ok()).count();
    }
  }

  /** One malformed request: which endpoint, what was wrong with it, how it was answered. */
  public record Probe(String path, String kind, Answer answer) {
    /** A 5xx or no answer: what a server that crashes on bad input gives. */
    boolean failed() {
      return !answer.answered() || answer.status() >= 500;
    }
  }

  /**
   * {@value Gates#LOAD_TEST}: the Workload answered at its declared capacity; requests that got no
   * HTTP answer at all stay within the error objective.
   */
  public static GateResult loadTest(WorkloadSlo slo, LoadRun run) {
    double unanswered = share(run.unanswered(), run.answers().size());
    boolean passed = !run.answers().isEmpty() && unanswered <= slo.errorRateFraction();
    Map<String, String> evidence = counts(run);
    evidence.put("unansweredRate", percent(unanswered));
    return new GateResult(
        Gates.LOAD_TEST,
        passed,
        passed
            ? "served "
                + run.requestsPerSecond()
                + " requests/s for "
                + seconds(run.duration())
                + ": every request within the error objective got an HTTP answer"
            : run.answers().isEmpty()
                ? "no request was sent"
                : beyondObjective(run, run.unanswered(), "got no HTTP answer", unanswered, slo),
        evidence);
  }

  /**
   * {@value Gates#SERVICE_LEVEL}: under that load, the p99 latency of successful requests and the
   * share of requests that failed (any answer but a 2xx, or none) meet the Workload's spec.slo.
   */
  public static GateResult serviceLevel(WorkloadSlo slo, LoadRun run) {
    Optional<Duration> p99 = percentile(run.answers(), 99);
    double errors = share(run.failed(), run.answers().size());
    boolean latencyMet = p99.isPresent() && p99.get().compareTo(slo.latencyP99Duration()) <= 0;
    boolean errorsMet = errors <= slo.errorRateFraction();
    Map<String, String> evidence = counts(run);
    evidence.put("p50", millis(percentile(run.answers(), 50)));
    evidence.put("p99", millis(p99));
    evidence.put("objectiveP99", slo.latencyP99());
    evidence.put("errorRate", percent(errors));
    evidence.put("objectiveErrorRate", slo.errorRate());
    String message;
    if (latencyMet && errorsMet) {
      message =
          "p99 "
              + millis(p99)
              + " ≤ "
              + slo.latencyP99()
              + ", errors "
              + percent(errors)
              + " ≤ "
              + slo.errorRate();
    } else {
      message =
          (latencyMet
                  ? ""
                  : "p99 "
                      + millis(p99)
                      + " exceeds the objective "
                      + slo.latencyP99()
                      + (errorsMet ? "" : "; "))
              + (errorsMet
                  ? ""
                  : "errors "
                      + percent(errors)
                      + " exceed the objective "
                      + slo.errorRate()
                      + " ("
                      + run.failed()
                      + " of "
                      + run.answers().size()
                      + ")");
    }
    return new GateResult(Gates.SERVICE_LEVEL, latencyMet && errorsMet, message, evidence);
  }

  /**
   * {@value Gates#MALFORMED_INPUT}: every malformed request got an answer below 500, and the
   * well-formed requests sent afterwards all succeeded (the Workload did not crash).
   */
  public static GateResult malformedInput(List<Probe> probes, List<Answer> afterwards) {
    List<Probe> failed = probes.stream().filter(Probe::failed).toList();
    long afterwardsFailed = afterwards.stream().filter(a -> !a.ok()).count();
    boolean passed = !probes.isEmpty() && failed.isEmpty() && afterwardsFailed == 0;
    Map<String, String> evidence = new LinkedHashMap<>();
    for (Probe probe : probes) {
      evidence.put(probe.path() + " " + probe.kind(), describe(probe.answer()));
    }
    evidence.put(
        "wellFormedAfterwards",
        (afterwards.size() - afterwardsFailed) + "/" + afterwards.size() + " ok");
    String message;
    if (passed) {
      message = probes.size() + " malformed requests got 4xx answers; the Workload kept serving";
    } else if (!failed.isEmpty()) {
      message =
          failed.size()
              + " of "
              + probes.size()
              + " malformed requests got a 5xx or no answer: "
              + failed.stream()
                  .map(p -> p.kind() + " to " + p.path() + " → " + describe(p.answer()))
                  .collect(Collectors.joining(", "));
    } else if (probes.isEmpty()) {
      message = "no malformed request was sent";
    } else {
      message =
          "after the malformed requests, "
              + afterwardsFailed
              + " of "
              + afterwards.size()
              + " well-formed requests failed: the Workload stopped serving ("
              + firstFailure(afterwards)
              + ")";
    }
    return new GateResult(Gates.MALFORMED_INPUT, passed, message, evidence);
  }

  /**
   * {@value Gates#PARTIAL_OUTAGE}: with one replica taken away during the load, the requests that
   * failed (any answer but a 2xx, or none) stay within the error objective.
   */
  public static GateResult partialOutage(WorkloadSlo slo, LoadRun run, String podTakenAway) {
    double errors = share(run.failed(), run.answers().size());
    boolean passed = !run.answers().isEmpty() && errors <= slo.errorRateFraction();
    Map<String, String> evidence = counts(run);
    evidence.put("podDeleted", podTakenAway);
    evidence.put("errorRate", percent(errors));
    evidence.put("objectiveErrorRate", slo.errorRate());
    return new GateResult(
        Gates.PARTIAL_OUTAGE,
        passed,
        passed
            ? "pod "
                + podTakenAway
                + " deleted under load: errors "
                + percent(errors)
                + " ≤ "
                + slo.errorRate()
            : "pod "
                + podTakenAway
                + " deleted under load: "
                + beyondObjective(run, run.failed(), "failed", errors, slo),
        evidence);
  }

  /** A gate that could not run, which fails: {@code why} says what is missing. */
  public static GateResult cannotRun(String gate, String why) {
    return new GateResult(gate, false, why, null);
  }

  /** A gate not run because an earlier one failed: neither passed nor failed. */
  public static GateResult skipped(String gate, String failedBefore) {
    return new GateResult(gate, null, "not run: " + failedBefore + " failed", null);
  }

  /** Whether every gate that ran passed, and none was skipped. */
  public static boolean passed(List<GateResult> results) {
    return results.stream().allMatch(r -> Boolean.TRUE.equals(r.passed()));
  }

  /** One line per failed gate: its name, why, and its evidence. */
  public static String failures(List<GateResult> results) {
    return results.stream()
        .filter(r -> Boolean.FALSE.equals(r.passed()))
        .map(
            r ->
                r.name()
                    + " failed: "
                    + r.message()
                    + (r.evidence() == null || r.evidence().isEmpty()
                        ? ""
                        : " ["
                            + r.evidence().entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(", "))
                            + "]"))
        .collect(Collectors.joining("\n"));
  }

  /**
   * The nearest-rank percentile {@code p} of the successful requests' latencies; empty when none
   * succeeded.
   */
  static Optional<Duration> percentile(List<Answer> answers, int p) {
    List<Duration> sorted =
        answers.stream().filter(Answer::ok).map(Answer::latency).sorted().toList();
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    // ceil(p * n / 100) in integers.
    int rank = (p * sorted.size() + 99) / 100;
    return Optional.of(sorted.get(rank - 1));
  }

  private static Map<String, String> counts(LoadRun run) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("requestsPerSecond", Integer.toString(run.requestsPerSecond()));
    evidence.put("duration", seconds(run.duration()));
    evidence.put("sent", Integer.toString(run.answers().size()));
    evidence.put("ok", Long.toString(run.answers().stream().filter(Answer::ok).count()));
    evidence.put("failed", Long.toString(run.failed()));
    evidence.put("unanswered", Long.toString(run.unanswered()));
    return evidence;
  }

  /** {@code 3 of 80 requests failed (3.75%, objective 1%): HTTP 502}, the first failure last. */
  private static String beyondObjective(
      LoadRun run, long count, String what, double share, WorkloadSlo slo) {
    return count
        + " of "
        + run.answers().size()
        + " requests "
        + what
        + " ("
        + percent(share)
        + ", objective "
        + slo.errorRate()
        + "): "
        + firstFailure(run.answers());
  }

  private static String firstFailure(List<Answer> answers) {
    return answers.stream()
        .filter(a -> !a.ok())
        .findFirst()
        .map(GateEvaluation::describe)
        .orElse("none");
  }

  private static String describe(Answer answer) {
    return answer.answered() ? "HTTP " + answer.status() : "no answer: " + answer.failure();
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  private static String millis(Optional<Duration> latency) {
    return latency.map(d -> d.toMillis() + "ms").orElse("-");
  }

  private static String seconds(Duration duration) {
    return duration.toSeconds() + "s";
  }
}

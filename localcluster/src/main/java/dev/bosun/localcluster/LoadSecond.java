package dev.bosun.localcluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What happened in one second of a load run, or in all of it: requests sent, skipped (the in-flight
 * bound was reached), and answers by kind, with the p50 and p99 latency of the successful ones.
 *
 * @param second seconds since the run began (the summary: its length)
 * @param ok 2xx answers
 * @param unavailable 503 answers: the server's queue was full, or the router could not serve
 * @param errors any other status, a failed connection or a timeout
 */
public record LoadSecond(
    long second,
    int sent,
    int skipped,
    int ok,
    int unavailable,
    int errors,
    Optional<Duration> p50,
    Optional<Duration> p99) {

  /** How one request ended. */
  public sealed interface Answer {
    /** An HTTP status, after {@code latency}. */
    record Status(int code, Duration latency) implements Answer {}

    /** No HTTP status: the connection failed or the request timed out. */
    record Failure(String why) implements Answer {}
  }

  /** Sums up a second (or a run) from what was sent in it and what was answered in it. */
  public static LoadSecond of(long second, int sent, int skipped, Collection<Answer> answers) {
    int ok = 0;
    int unavailable = 0;
    int errors = 0;
    List<Duration> latencies = new ArrayList<>();
    for (var answer : answers) {
      switch (answer) {
        case Answer.Status(int code, Duration latency) when code >= 200 && code < 300 -> {
          ok++;
          latencies.add(latency);
        }
        case Answer.Status(int code, Duration latency) when code == 503 -> unavailable++;
        case Answer.Status status -> errors++;
        case Answer.Failure failure -> errors++;
      }
    }
    latencies.sort(null);
    return new LoadSecond(
        second,
        sent,
        skipped,
        ok,
        unavailable,
        errors,
        percentile(latencies, 50),
        percentile(latencies, 99));
  }

  /**
   * The nearest-rank percentile {@code p} (1 to 100) of sorted values: the smallest value at least
   * {@code p} percent of them are no larger than; empty for no values.
   */
  static Optional<Duration> percentile(List<Duration> sorted, int p) {
    if (p < 1 || p > 100) {
      throw new IllegalArgumentException("percentile: must be from 1 to 100, got " + p);
    }
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    // ceil(p * n / 100) in integers: a double's rounding would miss the rank at exact shares.
    int rank = (p * sorted.size() + 99) / 100;
    return Optional.of(sorted.get(rank - 1));
  }

  /** One line: {@code 12s sent 40 ok 31 503 9 errors 0 p50 512ms p99 1530ms}. */
  public String line(String label) {
    return "%-8s sent %5d  skipped %4d  ok %5d  503 %5d  errors %4d  p50 %7s  p99 %7s"
        .formatted(label, sent, skipped, ok, unavailable, errors, millis(p50), millis(p99));
  }

  private static String millis(Optional<Duration> latency) {
    return latency.map(d -> d.toMillis() + "ms").orElse("-");
  }
}

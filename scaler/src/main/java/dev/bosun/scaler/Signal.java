package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.Scaling;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the scaler tells KEDA, computed from what the pods said: the sum of a vLLM gauge over a
 * Workload's Ready pods, the requests the router holds, and the last value known when no pod
 * answers. A missing signal is never reported as 0: past the staleness bound it is an error, so
 * KEDA's HPA keeps the replicas it has (fails static) instead of scaling to zero.
 */
public final class Signal {
  private Signal() {}

  /** The gauges read from every pod, whatever the trigger's metric. */
  static final Set<String> GAUGES =
      Set.of(
          Scaling.VLLM_REQUESTS_WAITING,
          Scaling.VLLM_REQUESTS_RUNNING,
          Scaling.VLLM_KV_CACHE_USAGE);

  /** One Ready pod's scrape. */
  public sealed interface PodScrape {
    record Read(Exposition.Parsed parsed) implements PodScrape {}

    record Failed(String why) implements PodScrape {}
  }

  /** What the pods say now about one metric. */
  public sealed interface Reading {
    record Known(double value) implements Reading {}

    record Unknown(String why) implements Reading {}
  }

  /** The last value read, and when (a monotonic clock's nanoseconds). */
  public record LastKnown(double value, long atNanos) {}

  /** The answer for KEDA; {@code active} holds even when the value is unavailable. */
  public sealed interface Report {
    boolean active();

    record Value(double value, boolean active) implements Report {}

    record Unavailable(String why, boolean active) implements Report {}
  }

  /** The vLLM gauge a metric reads. */
  static String gauge(ScaleMetric metric) {
    return switch (metric) {
      case requestsWaiting -> Scaling.VLLM_REQUESTS_WAITING;
      case requestsRunning -> Scaling.VLLM_REQUESTS_RUNNING;
      case kvCacheUsage -> Scaling.VLLM_KV_CACHE_USAGE;
      case cpu, memory, gpu ->
          throw new IllegalArgumentException(metric + " is not read from vLLM's gauges");
    };
  }

  /**
   * The sum over the pods that answered with the gauge. No Ready pod: 0 (nothing waits or runs on
   * no pod; held requests are added later). Ready pods but none answered: unknown. Pods that did
   * not answer are left out of the sum, so a partial answer reads low until they answer again.
   */
  public static Reading read(ScaleMetric metric, List<PodScrape> scrapes) {
    if (scrapes.isEmpty()) return new Reading.Known(0);
    String gauge = gauge(metric);
    double factor = metric == ScaleMetric.kvCacheUsage ? 100 : 1; // vLLM's fraction → percent
    double sum = 0;
    int answered = 0;
    String firstFailure = null;
    for (PodScrape scrape : scrapes) {
      switch (scrape) {
        case PodScrape.Read(Exposition.Parsed parsed) -> {
          Double value = parsed.sum(gauge);
          if (value != null) {
            sum += value * factor;
            answered++;
          } else if (firstFailure == null) {
            firstFailure = "no " + gauge + " in its /metrics";
          }
        }
        case PodScrape.Failed(String why) -> {
          if (firstFailure == null) firstFailure = why;
        }
      }
    }
    if (answered == 0) {
      return new Reading.Unknown(
          "none of " + scrapes.size() + " Ready pods gave " + gauge + ": " + firstFailure);
    }
    return new Reading.Known(sum);
  }

  /** The last known value after a reading: a known reading replaces it, an unknown one keeps it. */
  public static LastKnown remember(Reading reading, LastKnown previous, long nowNanos) {
    return reading instanceof Reading.Known(double value)
        ? new LastKnown(value, nowNanos)
        : previous;
  }

  /**
   * The report for a metric: the reading, or the last known value while it is at most {@code
   * staleness} old; plus, for requests waiting, the requests the router holds (they wait too).
   * Active when the value is above 0 or any request is held.
   */
  public static Report report(
      ScaleMetric metric,
      Reading reading,
      LastKnown last,
      long nowNanos,
      Duration staleness,
      int held) {
    boolean anyHeld = held > 0;
    double base;
    switch (reading) {
      case Reading.Known(double value) -> base = value;
      case Reading.Unknown(String why) -> {
        if (last == null || nowNanos - last.atNanos() > staleness.toNanos()) {
          return new Report.Unavailable(
              why
                  + (last == null
                      ? "; no value was ever read"
                      : "; the last value is older than " + staleness.toMillis() + " ms"),
              anyHeld);
        }
        base = last.value();
      }
    }
    double value = metric == ScaleMetric.requestsWaiting ? base + held : base;
    return new Report.Value(value, value > 0 || anyHeld);
  }
}

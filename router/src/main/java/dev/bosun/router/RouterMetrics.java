package dev.bosun.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The router's metrics, in the Prometheus text format at {@code /metrics}: {@code
 * bosun_router_requests_total{outcome}}, {@code bosun_router_wakes_total} (resume patches) and
 * {@code bosun_router_wake_duration_seconds} (a histogram: from a request finding its sandbox
 * asleep or starting to the sandbox Ready), {@code bosun_router_workload_held} (requests held now
 * for Workloads with no Ready pod) and {@code bosun_router_workload_holds_total{outcome}}.
 */
final class RouterMetrics {
  /** Why a request ended as it did; the label values of {@code outcome}. */
  enum Outcome {
    FORWARDED,
    BAD_REQUEST,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    GONE,
    UNAVAILABLE,
    BAD_GATEWAY,
    INTERNAL;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * How a request held for a Workload without a Ready pod ended; label values of {@code outcome}.
   */
  enum HoldOutcome {
    /** A pod became Ready and the request went to it. */
    FORWARDED,
    /** No pod was Ready within the hold timeout: 503. */
    TIMED_OUT,
    /** The Workload already had its maximum of held requests: 503 at once. */
    REFUSED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter wakes;
  private final Timer wakeDuration;

  /** {@code held}: the requests held now, over every Workload (a gauge). */
  RouterMetrics(Supplier<Number> held) {
    for (Outcome outcome : Outcome.values()) counter(outcome);
    for (HoldOutcome outcome : HoldOutcome.values()) holdCounter(outcome);
    Gauge.builder("bosun.router.workload.held", held)
        .description("Requests held now for Workloads with no Ready pod")
        .register(registry);
    wakes =
        Counter.builder("bosun.router.wakes")
            .description("Suspended sandboxes the router set Running")
            .register(registry);
    wakeDuration =
        Timer.builder("bosun.router.wake.duration")
            .description("From a request finding its sandbox not Ready to the sandbox Ready")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
  }

  void request(Outcome outcome) {
    counter(outcome).increment();
  }

  /** The outcome of a response the router made itself, by its status. */
  static Outcome outcomeOf(int status) {
    return switch (status) {
      case 401 -> Outcome.UNAUTHENTICATED;
      case 403 -> Outcome.FORBIDDEN;
      case 404 -> Outcome.NOT_FOUND;
      case 410 -> Outcome.GONE;
      case 502 -> Outcome.BAD_GATEWAY;
      case 503 -> Outcome.UNAVAILABLE;
      default -> status < 300 ? Outcome.INTERNAL : Outcome.BAD_REQUEST;
    };
  }

  void hold(HoldOutcome outcome) {
    holdCounter(outcome).increment();
  }

  void wake() {
    wakes.increment();
  }

  void woke(Duration took) {
    wakeDuration.record(took);
  }

  String scrape() {
    return registry.scrape();
  }

  private Counter holdCounter(HoldOutcome outcome) {
    return Counter.builder("bosun.router.workload.holds")
        .description("Requests held for a Workload with no Ready pod, by how the hold ended")
        .tag("outcome", outcome.label())
        .register(registry);
  }

  private Counter counter(Outcome outcome) {
    return Counter.builder("bosun.router.requests")
        .description("Requests, by how they ended")
        .tag("outcome", outcome.label())
        .register(registry);
  }
}

package dev.bosun.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * The router's metrics, in the Prometheus text format at {@code /metrics}: {@code
 * bosun_router_requests_total{outcome}}, {@code bosun_router_wakes_total} (resume patches) and
 * {@code bosun_router_wake_duration_seconds} (a histogram: from a request finding its sandbox
 * asleep or starting to the sandbox Ready).
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

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter wakes;
  private final Timer wakeDuration;

  RouterMetrics() {
    for (Outcome outcome : Outcome.values()) counter(outcome);
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

  void wake() {
    wakes.increment();
  }

  void woke(Duration took) {
    wakeDuration.record(took);
  }

  String scrape() {
    return registry.scrape();
  }

  private Counter counter(Outcome outcome) {
    return Counter.builder("bosun.router.requests")
        .description("Requests, by how they ended")
        .tag("outcome", outcome.label())
        .register(registry);
  }
}

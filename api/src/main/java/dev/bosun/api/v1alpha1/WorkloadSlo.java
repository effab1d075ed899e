package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * What a serving Workload is built for: the load it must carry and the service it must give under
 * it. The promotion gates of an Environment hold it to this before it is promoted there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadSlo(
    @Required
        @Min(1)
        @Max(MAX_REQUESTS_PER_SECOND)
        @JsonPropertyDescription(
            "The requests per second the Workload must serve: its capacity, the promotion gates'"
                + " load.")
        Integer requestsPerSecond,
    @Required
        @Pattern(Patterns.LATENCY)
        @JsonPropertyDescription(
            "The 99th percentile latency of successful requests at that load, such as 500ms or"
                + " 2s.")
        String latencyP99,
    @Required
        @Pattern(Patterns.PERCENT)
        @JsonPropertyDescription(
            "The share of requests that may fail (a 5xx, a reset or a timeout), such as 1% or"
                + " 0.5%.")
        String errorRate) {

  /** The most requests per second a gate sends: more is a load test, not a gate. */
  public static final int MAX_REQUESTS_PER_SECOND = 10_000;

  /** {@link #latencyP99} as a Duration; rejects what the schema rejects. */
  public Duration latencyP99Duration() {
    return parseLatency(latencyP99);
  }

  /** {@link #errorRate} as a fraction from 0 to 1; rejects what the schema rejects. */
  public double errorRateFraction() {
    return parsePercent(errorRate);
  }

  /** A latency such as 250ms or 2s. */
  public static Duration parseLatency(String text) {
    if (text == null || !text.matches(Patterns.LATENCY)) {
      throw new IllegalArgumentException(
          "'" + text + "' " + Patterns.DESCRIPTIONS.get(Patterns.LATENCY));
    }
    return text.endsWith("ms")
        ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
        : Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
  }

  /** A percentage such as 0.5% as a fraction (0.005). */
  public static double parsePercent(String text) {
    if (text == null || !text.matches(Patterns.PERCENT)) {
      throw new IllegalArgumentException(
          "'" + text + "' " + Patterns.DESCRIPTIONS.get(Patterns.PERCENT));
    }
    return new BigDecimal(text.substring(0, text.length() - 1)).movePointLeft(2).doubleValue();
  }
}

package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ScaleMetric;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignalTest {
  private static final Duration STALE = Duration.ofSeconds(30);
  private static final long SECOND = 1_000_000_000L;

  private static Signal.PodScrape pod(String body) {
    return new Signal.PodScrape.Read(Exposition.parse(body, Signal.GAUGES));
  }

  private static final Signal.PodScrape DOWN =
      new Signal.PodScrape.Failed("10.0.0.9:8000: refused");

  @Test
  void sumsTheGaugeOverThePodsThatAnswer() {
    List<Signal.PodScrape> pods =
        List.of(
            pod("vllm:num_requests_waiting{model_name=\"m\"} 3\nvllm:num_requests_running 2\n"),
            pod("vllm:num_requests_waiting{model_name=\"m\"} 4\nvllm:kv_cache_usage_perc 0.25\n"),
            DOWN);
    assertThat(Signal.read(ScaleMetric.requestsWaiting, pods))
        .isEqualTo(new Signal.Reading.Known(7));
    assertThat(Signal.read(ScaleMetric.requestsRunning, pods))
        .isEqualTo(new Signal.Reading.Known(2));
    assertThat(Signal.read(ScaleMetric.kvCacheUsage, pods))
        .as("vLLM's fraction, in percent")
        .isEqualTo(new Signal.Reading.Known(25));
  }

  @Test
  void noReadyPodIsZeroButNoAnswerIsUnknown() {
    assertThat(Signal.read(ScaleMetric.requestsWaiting, List.of()))
        .isEqualTo(new Signal.Reading.Known(0));
    assertThat(Signal.read(ScaleMetric.requestsWaiting, List.of(DOWN, DOWN)))
        .isInstanceOfSatisfying(
            Signal.Reading.Unknown.class,
            u -> assertThat(u.why()).contains("none of 2 Ready pods").contains("refused"));
    assertThat(Signal.read(ScaleMetric.requestsWaiting, List.of(pod("other_metric 1\n"))))
        .isInstanceOfSatisfying(
            Signal.Reading.Unknown.class,
            u -> assertThat(u.why()).contains("no vllm:num_requests_waiting"));
  }

  /** One row: what is read now, what was last known, how old, how many held → the report. */
  record Row(
      ScaleMetric metric,
      Signal.Reading reading,
      Signal.LastKnown last,
      long nowNanos,
      int held,
      Signal.Report expected) {}

  @Test
  void reportsTheReadingTheLastKnownValueOrAnError() {
    var known5 = new Signal.Reading.Known(5);
    var known0 = new Signal.Reading.Known(0);
    var unknown = new Signal.Reading.Unknown("no pod answered");
    var last3 = new Signal.LastKnown(3, 0);
    List<Row> rows =
        List.of(
            new Row(ScaleMetric.requestsWaiting, known5, null, 0, 0, value(5, true)),
            new Row(ScaleMetric.requestsWaiting, known0, null, 0, 0, value(0, false)),
            // Held requests wait too, and make the Workload active whatever the metric.
            new Row(ScaleMetric.requestsWaiting, known0, null, 0, 2, value(2, true)),
            new Row(ScaleMetric.requestsRunning, known0, null, 0, 2, value(0, true)),
            new Row(ScaleMetric.kvCacheUsage, known5, null, 0, 0, value(5, true)),
            // No answer: the last value while fresh, then an error, never 0.
            new Row(ScaleMetric.requestsWaiting, unknown, last3, 10 * SECOND, 0, value(3, true)),
            new Row(ScaleMetric.requestsWaiting, unknown, last3, 30 * SECOND, 1, value(4, true)),
            new Row(
                ScaleMetric.requestsWaiting,
                unknown,
                last3,
                31 * SECOND,
                0,
                new Signal.Report.Unavailable(
                    "no pod answered; the last value is older than 30000 ms", false)),
            new Row(
                ScaleMetric.requestsRunning,
                unknown,
                null,
                0,
                1,
                new Signal.Report.Unavailable("no pod answered; no value was ever read", true)));
    for (Row row : rows) {
      assertThat(
              Signal.report(
                  row.metric(), row.reading(), row.last(), row.nowNanos(), STALE, row.held()))
          .as(row.toString())
          .isEqualTo(row.expected());
    }
  }

  @Test
  void anUnknownReadingKeepsTheLastKnownValue() {
    var last = new Signal.LastKnown(3, 5);
    assertThat(Signal.remember(new Signal.Reading.Unknown("x"), last, 9)).isSameAs(last);
    assertThat(Signal.remember(new Signal.Reading.Known(1), last, 9))
        .isEqualTo(new Signal.LastKnown(1, 9));
    assertThat(Signal.remember(new Signal.Reading.Unknown("x"), null, 9)).isNull();
  }

  @Test
  void readsOnlyTheGaugesItNeeds() {
    assertThat(Signal.GAUGES)
        .isEqualTo(
            Set.of(
                "vllm:num_requests_waiting",
                "vllm:num_requests_running",
                "vllm:kv_cache_usage_perc"));
  }

  private static Signal.Report value(double v, boolean active) {
    return new Signal.Report.Value(v, active);
  }
}

package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ScaleMetric;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignalTest {
  private static final Duration STALE = Duration.ofSeconds(30);
  private static final long SECOND = 1_000_000_000L;

  private static Signal.PodScrape pod(String body) {
    return new Signal.PodScrape.Read(Exposition.parse(body, Signal.VLLM_GAUGES));
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
                new Signal.Report.Unavailable("no pod answered; no value was ever read", true)),
            // GPU utilisation: held requests make it active but add nothing to it.
            new Row(ScaleMetric.gpu, known5, null, 0, 0, value(5, true)),
            new Row(ScaleMetric.gpu, known0, null, 0, 0, value(0, false)),
            new Row(ScaleMetric.gpu, known0, null, 0, 2, value(0, true)),
            new Row(ScaleMetric.gpu, known5, null, 0, 2, value(5, true)),
            // No agent answered: the last value while fresh, then an error, never 0.
            new Row(ScaleMetric.gpu, unknown, last3, 30 * SECOND, 0, value(3, true)),
            new Row(
                ScaleMetric.gpu,
                unknown,
                last3,
                31 * SECOND,
                1,
                new Signal.Report.Unavailable(
                    "no pod answered; the last value is older than 30000 ms", true)));
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
  void readsOnlyTheSeriesItNeeds() {
    assertThat(Signal.VLLM_GAUGES)
        .isEqualTo(
            Set.of(
                "vllm:num_requests_waiting",
                "vllm:num_requests_running",
                "vllm:kv_cache_usage_perc"));
    assertThat(Signal.AGENT_SERIES).isEqualTo(Set.of("DCGM_FI_DEV_GPU_UTIL"));
  }

  private static final String NODE = AgentExposition.NODE;
  private static final Signal.PodScrape AGENT =
      new Signal.PodScrape.Read(Exposition.parse(AgentExposition.BODY, Signal.AGENT_SERIES));
  private static final Signal.PodScrape AGENT_DOWN =
      new Signal.PodScrape.Failed("10.1.0.5:9400 answered 500");

  private static ReadyPod on(String node, PodKey pod) {
    return new ReadyPod(pod, node, new PodAddress("10.0.0.7", 8000));
  }

  private static final ReadyPod X2 = on(NODE, AgentExposition.X2);
  private static final ReadyPod K4 = on(NODE, AgentExposition.K4);
  private static final ReadyPod NO_GPU = on(NODE, new PodKey("team-a", "chat-7d9-zz"));
  private static final ReadyPod ELSEWHERE = on("gpu-node-2", new PodKey("team-a", "chat-7d9-q8"));
  private static final ReadyPod UNBOUND = on(null, new PodKey("team-a", "chat-7d9-u1"));

  /** One row: the Workload's Ready pods, the agents' scrapes by node → GPU utilisation. */
  record GpuRow(
      String what,
      List<ReadyPod> pods,
      Map<String, Signal.PodScrape> agents,
      Signal.Reading expected) {}

  private static Signal.Reading noGpu(int pods, String why) {
    return new Signal.Reading.Unknown(
        "none of " + pods + " Ready pods gave DCGM_FI_DEV_GPU_UTIL: " + why);
  }

  @Test
  void gpuIsTheSumOverPodsOfTheMeanOfEachPodsGpus() {
    Map<String, Signal.PodScrape> agent = Map.of(NODE, AGENT);
    List<GpuRow> rows =
        List.of(
            new GpuRow("the mean of a pod's GPUs", List.of(X2), agent, known(45)),
            new GpuRow("summed over pods", List.of(X2, K4), agent, known(65)),
            new GpuRow("a pod without series left out", List.of(X2, NO_GPU, K4), agent, known(65)),
            new GpuRow("a pod without an agent left out", List.of(ELSEWHERE, K4), agent, known(20)),
            new GpuRow("no Ready pod", List.of(), Map.of(), known(0)),
            new GpuRow(
                "no agent on the node",
                List.of(ELSEWHERE),
                agent,
                noGpu(1, "no agent on node gpu-node-2")),
            new GpuRow(
                "the agent did not answer",
                List.of(X2, K4),
                Map.of(NODE, AGENT_DOWN),
                noGpu(2, "the agent on gpu-node-1: 10.1.0.5:9400 answered 500")),
            new GpuRow(
                "no series for the pod",
                List.of(NO_GPU),
                agent,
                noGpu(
                    1,
                    "the agent on gpu-node-1 gave no DCGM_FI_DEV_GPU_UTIL for team-a/chat-7d9-zz")),
            new GpuRow(
                "a pod on no node",
                List.of(UNBOUND),
                agent,
                noGpu(1, "team-a/chat-7d9-u1 names no node")));
    for (GpuRow row : rows) {
      assertThat(Signal.readGpu(row.pods(), row.agents())).as(row.what()).isEqualTo(row.expected());
    }
  }

  @Test
  void aRoundReadsGpuFromTheAgentsAndTheGaugesFromTheServers() {
    ReadyPod served = new ReadyPod(AgentExposition.X2, NODE, new PodAddress("10.0.0.7", 8000));
    ReadyPod unread = new ReadyPod(AgentExposition.K4, NODE, new PodAddress("10.0.0.8", 8000));
    Signal.Round round =
        new Signal.Round(
            List.of(served, unread),
            Map.of(served.address(), pod("vllm:num_requests_running 2\n")),
            Map.of(NODE, AGENT));
    assertThat(Signal.read(ScaleMetric.gpu, round)).isEqualTo(known(65));
    assertThat(Signal.read(ScaleMetric.requestsRunning, round)).isEqualTo(known(2));
    assertThat(
            Signal.read(
                ScaleMetric.requestsRunning,
                new Signal.Round(List.of(unread), Map.of(), Map.of(NODE, AGENT))))
        .as("a server the round did not read is unknown, never 0")
        .isInstanceOf(Signal.Reading.Unknown.class);
  }

  private static Signal.Reading known(double value) {
    return new Signal.Reading.Known(value);
  }

  private static Signal.Report value(double v, boolean active) {
    return new Signal.Report.Value(v, active);
  }
}

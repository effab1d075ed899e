package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What /healthz and /metrics say, judged from a view and a given time. */
class AgentViewTest {

  static final String NODE = "gpu-node-0008";
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void healthyWhileSamplesComeAtMostThreeIntervalsAndAtLeastTenSecondsApart() {
    Duration second = Duration.ofSeconds(1);
    assertThat(AgentView.NOT_STARTED.healthProblem(T0, second)).isEqualTo("not started");
    AgentView started = AgentView.NOT_STARTED.started(T0);
    assertThat(started.healthProblem(T0.plusSeconds(10), second)).isNull();
    assertThat(started.healthProblem(T0.plusSeconds(11), second))
        .isEqualTo("no sample yet after 11 s ago");
    AgentView sampled = new AgentView(T0, T0.plusSeconds(5), null, null, null);
    assertThat(sampled.healthProblem(T0.plusSeconds(16), second)).isEqualTo("last sample 11 s ago");
    assertThat(sampled.healthProblem(T0.plusSeconds(20), Duration.ofSeconds(5)))
        .as("three 5 s intervals")
        .isNull();
    assertThat(sampled.healthProblem(T0.plusSeconds(21), Duration.ofSeconds(5)))
        .isEqualTo("last sample 16 s ago");
  }

  @Test
  void aKernelLogThatCannotBeReadIsAWarningNotAFailedProbe() {
    var outage = new KernelLog.Outage("/dev/kmsg", T0, "Permission denied", 3, T0.plusSeconds(7));
    var view = new AgentView(T0, T0.plusSeconds(5), null, null, outage);

    HttpEndpoints.Health health = view.health(T0.plusSeconds(6), Duration.ofSeconds(1));

    assertThat(health.problem()).isNull();
    assertThat(health.body())
        .isEqualTo(
            """
            degraded
            cannot read the kernel log /dev/kmsg since 2026-11-28T10:00:00Z (Permission denied; \
            3 tries failed); next try at 2026-11-28T10:00:07Z
            """);
    assertThat(view.health(T0.plusSeconds(30), Duration.ofSeconds(1)).body())
        .startsWith("last sample 25 s ago\ncannot read the kernel log");
    assertThat(new AgentView(T0, T0, null, null, null).health(T0, Duration.ofSeconds(1)).body())
        .isEqualTo("ok\n");
  }

  @Test
  void aLostGpuStaysOnMetricsWithoutReadings() {
    var sim = new SimulatedGpuNode(NODE, 2, T0.minusSeconds(60), 1);
    var tracker = new NodeHealthTracker(XidClassifier.withDefaults());
    var k =
        NodeKnowledge.INITIAL
            .withSample(tracker, "simulated", Parsed.of(sim.snapshot(T0), 0, List.of()), T0)
            .knowledge();
    sim.removeGpu(1);
    var after =
        k.withSample(
            tracker,
            "simulated",
            Parsed.of(sim.snapshot(T0.plusSeconds(1)), 0, List.of()),
            T0.plusSeconds(1));

    var view =
        AgentView.NOT_STARTED
            .started(T0)
            .sampled(
                T0.plusSeconds(1),
                after.effective(),
                after.knowledge().health(),
                NODE,
                Map.of("simulated", 0L),
                Map.of(),
                null);

    assertThat(after.effective().gpus()).hasSize(1);
    assertThat(view.snapshot().gpus()).hasSize(2);
    assertThat(view.snapshot().gpus().get(1).uuid()).isEqualTo(SimulatedGpuNode.uuidFor(NODE, 1));
    assertThat(view.snapshot().gpus().get(1).utilisation()).isNull();
    assertThat(view.snapshot().gpus().get(1).memory()).isNull();
    assertThat(
            PrometheusParser.parse(view.metrics(new ClusterReporter.Writes(3, 2, 1))).stream()
                .filter(s -> s.name().startsWith("bosun_agent_"))
                .map(s -> s.name() + s.labels() + "=" + (long) s.value())
                .toList())
        .containsExactly(
            "bosun_agent_writes_total{object=gpunodehealth_status}=3",
            "bosun_agent_writes_total{object=node_condition}=2",
            "bosun_agent_publish_errors_total{}=1");
  }

  @Test
  void beforeTheFirstSampleMetricsHoldTheAgentsOwnCountersOnly() {
    assertThat(PrometheusParser.parse(AgentView.NOT_STARTED.metrics(ClusterReporter.Writes.NONE)))
        .extracting(PrometheusParser.Sample::name)
        .containsOnly("bosun_agent_writes_total", "bosun_agent_publish_errors_total");
  }
}

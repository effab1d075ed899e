package dev.bosun.gpu.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import dev.bosun.gpu.metrics.GpuMetrics;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeHealthTrackerTest {

  static final Instant BOOT = Instant.parse("2026-11-28T00:00:00Z");

  final SimulatedGpuNode node = SimulatedGpuNode.hgxH100("node-a", BOOT);
  final NodeHealthTracker tracker = new NodeHealthTracker(XidClassifier.withDefaults());
  final KernelLogParser parser = new KernelLogParser();
  NodeHealth state = NodeHealth.EMPTY;
  int logPosition;
  Instant now = BOOT.plusSeconds(600);

  /** One agent tick: new kernel log lines, then a snapshot. */
  List<Finding> tick() {
    List<String> log = node.kernelLog();
    for (; logPosition < log.size(); logPosition++) {
      for (DriverFault f : parser.acceptLine(log.get(logPosition)))
        state = tracker.onFault(state, f, now).state();
    }
    NodeHealthTracker.Step step = tracker.onSnapshot(state, node.snapshot(now), now);
    state = step.state();
    now = now.plusSeconds(10);
    return step.findings();
  }

  String uuid(int i) {
    return SimulatedGpuNode.uuidFor("node-a", i);
  }

  @Test
  void aHealthyNodeStaysHealthy() {
    for (int i = 0; i < 5; i++) assertThat(tick()).isEmpty();
    assertThat(state.gpus())
        .hasSize(8)
        .allSatisfy((u, s) -> assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY));
  }

  @Test
  void aDoubleBitEccTakesOnlyItsGpuOutAndItComesBackAfterAReset() {
    tick();
    node.doubleBitEcc(3, 1, now);
    tick();
    assertThat(state.healthOf(uuid(3))).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(state.gpus().entrySet())
        .filteredOn(e -> !e.getKey().equals(uuid(3)))
        .allSatisfy(e -> assertThat(e.getValue().health()).isEqualTo(GpuHealth.HEALTHY));
    assertThat(state.recent())
        .extracting(Finding::signal)
        .contains(Signal.XID, Signal.ECC_UNCORRECTABLE);
    assertThat(state.xids().on(uuid(3))).containsEntry(48, 1L);

    node.resetGpu(3);
    Instant resetAt = now;
    while (state.healthOf(uuid(3)) != GpuHealth.HEALTHY) tick();
    assertThat(Duration.between(resetAt, now))
        .isLessThanOrEqualTo(tracker.policy().quietPeriod().plusSeconds(20));
  }

  @Test
  void applicationXidsDoNotMakeAGpuUnhealthyUntilTheyRepeat() {
    tick();
    node.injectXid(
        1,
        13,
        "pid=1, name=a, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address",
        now);
    tick();
    node.injectXid(
        1,
        13,
        "pid=2, name=a, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address",
        now);
    tick();
    assertThat(state.healthOf(uuid(1))).isEqualTo(GpuHealth.HEALTHY);
    node.injectXid(
        1,
        13,
        "pid=3, name=a, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address",
        now);
    tick();
    assertThat(state.healthOf(uuid(1))).isEqualTo(GpuHealth.UNHEALTHY);
  }

  @Test
  void aGpuThatFallsOffTheBusStaysOutWhileItIsMissing() {
    tick();
    node.fallOffTheBus(6, now);
    for (int i = 0; i < 100; i++) tick();
    assertThat(state.healthOf(uuid(6))).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(state.gpus().get(uuid(6)).reason()).contains("missing");
  }

  @Test
  void thermalSlowdownDegrades() {
    tick();
    node.thermalSlowdown(2, true);
    tick();
    assertThat(state.healthOf(uuid(2))).isEqualTo(GpuHealth.DEGRADED);
    node.thermalSlowdown(2, false);
    for (int i = 0; i < 3; i++) tick();
    assertThat(state.healthOf(uuid(2))).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void aXidStormBetweenSamplesKeepsOnePendingFindingPerGpu() {
    tick();
    for (int i = 0; i < 5000; i++) node.injectXid(i % 2, i % 3 == 0 ? 48 : 43, now);
    List<String> log = node.kernelLog();
    for (; logPosition < log.size(); logPosition++) {
      for (DriverFault f : parser.acceptLine(log.get(logPosition)))
        state = tracker.onFault(state, f, now).state();
    }
    assertThat(state.pending()).hasSize(2).allSatisfy(f -> assertThat(f.xid()).isEqualTo(48));
    assertThat(state.recent()).hasSize(NodeHealthTracker.RECENT_FINDINGS);
    tick();
    assertThat(state.healthOf(uuid(0))).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(state.healthOf(uuid(1))).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(state.healthOf(uuid(2))).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void nvmlFailureHoldsEveryGpu() {
    tick();
    state = tracker.onNvmlFailure(state, "nvmlInit_v2 failed: DRIVER_NOT_LOADED", now).state();
    tick();
    assertThat(state.gpus().values())
        .allSatisfy(s -> assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY));
  }

  /** The switch is none of the node's GPUs: a fatal SXid holds them all, a non-fatal one none. */
  @Test
  void aFatalSxidHoldsEveryGpuANonFatalOneNone() {
    tick();
    state =
        tracker
            .onFault(
                state,
                parser
                    .acceptLine(
                        "[ 1.0] nvidia-nvswitch1: SXid (PCI:0000:06:00.0): 20009, Non-fatal, Link 04 RX Short Error Rate")
                    .getFirst(),
                now)
            .state();
    tick();
    assertThat(state.gpus().values())
        .allSatisfy(s -> assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY));
    state =
        tracker
            .onFault(
                state,
                parser
                    .acceptLine(
                        "[ 2.0] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 sourcetrack timeout error (First)")
                    .getFirst(),
                now)
            .state();
    tick();
    assertThat(state.gpus().values())
        .hasSize(8)
        .allSatisfy(s -> assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY));
    assertThat(state.recent()).extracting(Finding::signal).contains(Signal.SXID);
  }

  @Test
  void theStateFeedsTheMetrics() {
    tick();
    node.doubleBitEcc(0, 1, now);
    tick();
    Map<String, GpuHealth> health = new HashMap<>();
    state.gpus().forEach((u, s) -> health.put(u, s.health()));
    String text =
        GpuMetrics.render(
            node.snapshot(now), new GpuMetrics.State("node-a", health, state.xids(), Map.of()));
    assertThat(text)
        .contains("DCGM_FI_DEV_XID_ERRORS{gpu=\"0\"", "bosun_gpu_xid_errors_total{gpu=\"0\"")
        .containsPattern("bosun_gpu_health\\{gpu=\"0\"[^}]*state=\"unhealthy\"} 1");
  }
}

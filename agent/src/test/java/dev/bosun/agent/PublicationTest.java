package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The publish decision, driven by the real tracker over a simulated node: what the status and the
 * condition say, and when they are written.
 */
class PublicationTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final Duration HEARTBEAT = Duration.ofSeconds(60);

  /** A node, its tracker state and the kernel log parser, moved along like the agent does. */
  static final class Node {
    final SimulatedGpuNode sim;
    final NodeHealthTracker tracker = new NodeHealthTracker(XidClassifier.withDefaults());
    final KernelLogParser parser = new KernelLogParser();
    NodeHealth health = NodeHealth.EMPTY;
    FaultHistory faults = FaultHistory.empty(Publication.RECENT_FAULTS);
    NodeSnapshot snapshot;
    int logged;
    Map<String, Long> unparsed = Map.of("simulated", 0L, "kmsg", 0L);

    Node(int gpus) {
      sim = new SimulatedGpuNode("gpu-node-7", gpus, T0.minus(Duration.ofHours(1)), 42);
    }

    /** Kernel log since the last call, then a sample: what one agent tick does. */
    Publication.Inputs tick(Instant now) {
      List<String> log = sim.kernelLog();
      for (; logged < log.size(); logged++) {
        for (DriverFault f : parser.acceptLine(log.get(logged))) {
          var step = tracker.onFault(health, f, now);
          health = step.state();
          faults = faults.with(step.findings(), f.text());
        }
      }
      snapshot = sim.snapshot(now);
      var step = tracker.onSnapshot(health, snapshot, now);
      health = step.state();
      faults = faults.with(step.findings());
      return new Publication.Inputs(3L, "simulated", snapshot, health, faults, unparsed, now);
    }
  }

  @Test
  void aHealthyNodeIsPublishedOnceThenOnlyOnTheHeartbeat() {
    Node node = new Node(8);
    var first = Publication.decide(node.tick(T0), Publication.Last.NOTHING, HEARTBEAT);

    assertThat(first.writeStatus()).isTrue();
    assertThat(first.writeCondition()).isTrue();
    assertThat(first.condition().status()).isEqualTo("True");
    assertThat(first.condition().reason()).isEqualTo(Reasons.GPUS_HEALTHY);
    assertThat(first.condition().message()).isEqualTo("all 8 GPUs healthy");
    assertThat(first.condition().observedGeneration()).isEqualTo(3L);
    assertThat(first.status().gpus())
        .extracting(GpuDeviceHealth::index)
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    GpuDeviceHealth gpu0 = first.status().gpus().getFirst();
    assertThat(gpu0.uuid()).isEqualTo(SimulatedGpuNode.uuidFor("gpu-node-7", 0));
    assertThat(gpu0.model()).isEqualTo(SimulatedGpuNode.MODEL);
    assertThat(gpu0.pciBusId()).isEqualTo("00000000:18:00.0");
    assertThat(gpu0.health()).isEqualTo(GpuHealthStatus.Healthy);
    assertThat(gpu0.present()).isTrue();
    assertThat(gpu0.clockEventReasons()).containsExactly("gpu_idle");
    assertThat(gpu0.ecc().volatileUncorrected()).isZero();
    assertThat(gpu0.remappedRows().pending()).isFalse();
    assertThat(first.status().driverVersion()).isEqualTo(SimulatedGpuNode.DRIVER);
    assertThat(first.status().sampledAt()).isEqualTo("2026-11-28T10:00:00Z");

    var last = written(first, T0);
    for (int s = 1; s < 60; s++) {
      var again = Publication.decide(node.tick(T0.plusSeconds(s)), last, HEARTBEAT);
      assertThat(again.writeStatus()).as("status write at second %d", s).isFalse();
      assertThat(again.writeCondition()).as("condition write at second %d", s).isFalse();
    }
    var beat = Publication.decide(node.tick(T0.plusSeconds(60)), last, HEARTBEAT);
    assertThat(beat.writeStatus()).isTrue();
    assertThat(beat.writeCondition()).isTrue();
    assertThat(beat.condition().lastTransitionTime())
        .as("no transition on a heartbeat")
        .isEqualTo("2026-11-28T10:00:00Z");
    assertThat(beat.status().sampledAt()).isEqualTo("2026-11-28T10:01:00Z");
  }

  @Test
  void aGpuThatFallsOffTheBusTurnsTheConditionFalseAndNamesIt() {
    Node node = new Node(8);
    var first = Publication.decide(node.tick(T0), Publication.Last.NOTHING, HEARTBEAT);
    var last = written(first, T0);

    node.sim.fallOffTheBus(3, T0.plusSeconds(5));
    var d = Publication.decide(node.tick(T0.plusSeconds(5)), last, HEARTBEAT);

    String uuid3 = SimulatedGpuNode.uuidFor("gpu-node-7", 3);
    assertThat(d.writeStatus()).isTrue();
    assertThat(d.writeCondition()).isTrue();
    assertThat(d.condition().status()).isEqualTo("False");
    assertThat(d.condition().reason()).isEqualTo(Reasons.GPU_UNHEALTHY);
    assertThat(d.condition().message()).startsWith("1 of 8 GPUs unhealthy: GPU 3 (" + uuid3 + ")");
    assertThat(d.condition().lastTransitionTime()).isEqualTo("2026-11-28T10:00:05Z");
    GpuDeviceHealth gpu3 = d.status().gpus().get(3);
    assertThat(gpu3.uuid()).isEqualTo(uuid3);
    assertThat(gpu3.health()).isEqualTo(GpuHealthStatus.Unhealthy);
    assertThat(gpu3.present()).as("gone from the sample, still listed").isFalse();
    assertThat(gpu3.since()).isEqualTo("2026-11-28T10:00:05Z");
    assertThat(gpu3.recentFaults())
        .extracting(GpuFault::xid, GpuFault::faultClass, GpuFault::signal)
        .contains(tuple(79, "node", "XID"));
    assertThat(gpu3.recentFaults().getFirst().text())
        .as("the driver's own words")
        .startsWith("NVRM: Xid (PCI:0000:5d:00): 79, ")
        .contains("GPU has fallen off the bus");
    assertThat(gpu3.recentFaults().getFirst().action())
        .isEqualTo("reboot the node (the GPU fell off the bus)");
    assertThat(d.status().gpus())
        .filteredOn(g -> g.index() != 3)
        .allSatisfy(
            g -> {
              assertThat(g.health()).isEqualTo(GpuHealthStatus.Healthy);
              assertThat(g.recentFaults()).isEmpty();
            });

    // The GPU stays missing: found again at every sample, yet after the reason settles on the
    // missing GPU (one write) there is nothing new to write.
    var after = written(d, T0.plusSeconds(5));
    int writes = 0;
    for (int s = 6; s < 30; s++) {
      var again = Publication.decide(node.tick(T0.plusSeconds(s)), after, HEARTBEAT);
      if (again.writeStatus()) {
        writes++;
        after = written(again, T0.plusSeconds(s));
      }
      assertThat(again.condition().status()).isEqualTo("False");
      assertThat(again.status().gpus().get(3).recentFaults())
          .as("the Xid stays, repeats do not pile up")
          .extracting(GpuFault::signal)
          .containsExactly("XID", "FELL_OFF_THE_BUS", "GPU_MISSING");
    }
    assertThat(writes).as("status writes in 24 s of a GPU staying missing").isLessThanOrEqualTo(1);
  }

  @Test
  void aSecondBadGpuChangesTheMessageButNotTheTransitionTime() {
    Node node = new Node(8);
    node.sim.doubleBitEcc(1, 2, T0);
    var d1 = Publication.decide(node.tick(T0), Publication.Last.NOTHING, HEARTBEAT);
    assertThat(d1.condition().status()).isEqualTo("False");
    assertThat(d1.condition().message()).contains("GPU 1 (").doesNotContain("GPU 6 (");
    assertThat(d1.status().gpus().get(1).ecc().volatileUncorrected()).isEqualTo(2);

    node.sim.rowRemapFailure(6, true);
    var d2 = Publication.decide(node.tick(T0.plusSeconds(10)), written(d1, T0), HEARTBEAT);
    assertThat(d2.writeCondition()).isTrue();
    assertThat(d2.condition().message())
        .startsWith("2 of 8 GPUs unhealthy")
        .contains("GPU 1 (")
        .contains("GPU 6 (");
    assertThat(d2.condition().lastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(d2.status().gpus().get(6).remappedRows().failure()).isTrue();
    assertThat(d2.status().gpus().get(6).recentFaults())
        .extracting(GpuFault::signal, GpuFault::faultClass)
        .containsExactly(tuple("ROW_REMAP_FAILURE", "support"));
  }

  @Test
  void aThermalSlowdownIsDegradedAndTheNodeStaysUsable() {
    Node node = new Node(2);
    node.sim.thermalSlowdown(0, true);
    var d = Publication.decide(node.tick(T0), Publication.Last.NOTHING, HEARTBEAT);
    assertThat(d.condition().status()).isEqualTo("True");
    assertThat(d.condition().reason()).isEqualTo(Reasons.GPUS_DEGRADED);
    assertThat(d.condition().message()).startsWith("1 of 2 GPUs degraded: GPU 0 (");
    assertThat(d.status().gpus().get(0).health()).isEqualTo(GpuHealthStatus.Degraded);
    assertThat(d.status().gpus().get(0).clockEventReasons())
        .contains("sw_thermal_slowdown", "hw_thermal_slowdown");
  }

  @Test
  void unparsedInputAloneIsNotAReasonToWrite() {
    Node node = new Node(8);
    var first = Publication.decide(node.tick(T0), Publication.Last.NOTHING, HEARTBEAT);
    node.unparsed = Map.of("simulated", 0L, "kmsg", 12_345L);
    var d = Publication.decide(node.tick(T0.plusSeconds(1)), written(first, T0), HEARTBEAT);
    assertThat(d.writeStatus()).isFalse();
    assertThat(d.status().unparsedInput()).containsEntry("kmsg", 12_345L);
  }

  @Test
  void recentFaultsAreBoundedToTheNewest() {
    Node node = new Node(8);
    node.tick(T0);
    for (int i = 0; i < 15; i++)
      node.sim.injectXid(
          2, 43, "pid=" + (100 + i) + ", name=python, Ch 00000008", T0.plusSeconds(1 + i));
    for (int i = 0; i < 15; i++) node.tick(T0.plusSeconds(1 + i));
    var d = Publication.decide(node.tick(T0.plusSeconds(20)), Publication.Last.NOTHING, HEARTBEAT);
    List<GpuFault> faults = d.status().gpus().get(2).recentFaults();
    assertThat(faults).hasSize(Publication.RECENT_FAULTS);
    assertThat(faults.getLast().text()).contains("pid=114");
    assertThat(faults.getFirst().text()).contains("pid=105");
  }

  @Test
  void aNodeWithoutGpusSaysUnknown() {
    Node node = new Node(0);
    var d = Publication.decide(node.tick(T0), Publication.Last.NOTHING, HEARTBEAT);
    assertThat(d.condition().status()).isEqualTo("Unknown");
    assertThat(d.condition().reason()).isEqualTo(Reasons.NO_GPUS);
    assertThat(d.status().gpus()).isEmpty();
  }

  @Test
  void longTextIsCutToTheSchemaLimits() {
    assertThat(Publication.cut("x".repeat(5000), Publication.MAX_TEXT))
        .hasSize(Publication.MAX_TEXT)
        .endsWith("…");
    assertThat(Publication.cut("short", Publication.MAX_TEXT)).isEqualTo("short");
  }

  private static Publication.Last written(Publication.Decision d, Instant at) {
    return new Publication.Last(d.status(), at, d.condition(), at);
  }
}

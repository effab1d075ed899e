package dev.bosun.gpu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.classify.FaultClass;
import dev.bosun.gpu.classify.Finding;
import dev.bosun.gpu.classify.Signal;
import dev.bosun.gpu.classify.TelemetryClassifier;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.classify.XidHistory;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import dev.bosun.gpu.kernel.KmsgRecordSource;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatedGpuNodeTest {

  static final Instant BOOT = Instant.parse("2026-11-28T00:00:00Z");
  static final Instant NOW = BOOT.plusSeconds(3600);

  @Test
  void healthyValuesFollowTheRealH100() {
    GpuSample real =
        SmiXmlParser.parse(Fixtures.h100("nvidia-smi-q.xml"), NOW)
            .value()
            .orElseThrow()
            .gpus()
            .getFirst();
    NodeSnapshot sim = SimulatedGpuNode.hgxH100("node-a", BOOT).snapshot(NOW);

    assertThat(sim.driverVersion()).isEqualTo("580.159.04");
    assertThat(sim.cudaVersion()).isEqualTo("13.0");
    assertThat(sim.gpus()).hasSize(8);
    GpuSample g = sim.gpus().getFirst();
    assertThat(g.identity().name()).isEqualTo(real.identity().name());
    assertThat(g.memory()).isEqualTo(real.memory());
    assertThat(g.temperatureCelsius()).isEqualTo(real.temperatureCelsius());
    assertThat(g.clockEventReasons()).isEqualTo(real.clockEventReasons());
    assertThat(g.ecc()).isEqualTo(real.ecc());
    assertThat(g.remappedRows()).isEqualTo(real.remappedRows());
    assertThat(g.migMode()).isEqualTo(real.migMode());
    assertThat(g.powerWatts()).isBetween(70.0, 71.0);
    assertThat(sim.gpus())
        .allSatisfy(x -> assertThat(TelemetryClassifier.findings(null, x, NOW)).isEmpty());
    assertThat(sim.gpus().stream().map(GpuSample::uuid).collect(Collectors.toSet())).hasSize(8);
  }

  @Test
  void fullLoadLooksLikeTheRealTraceAndIsNotAFault() {
    SimulatedGpuNode node = SimulatedGpuNode.hgxH100("node-a", BOOT);
    node.load(2, 100, 31859);
    GpuSample g = node.snapshot(NOW).gpus().get(2);
    assertThat(g.powerWatts()).isBetween(690.0, 710.0);
    assertThat(g.clockEventReasons().names()).containsExactly("sw_power_cap");
    assertThat(TelemetryClassifier.findings(null, g, NOW)).isEmpty();
  }

  @Test
  void injectedXidsTravelThroughTheRealParserWithTheirUuid() {
    SimulatedGpuNode node = SimulatedGpuNode.hgxH100("node-a", BOOT);
    node.injectXid(
        5,
        13,
        "pid=42, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address",
        NOW);
    node.doubleBitEcc(5, 1, NOW.plusSeconds(1));
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = new ArrayList<>();
    node.kernelLog().forEach(l -> faults.addAll(parser.acceptLine(l)));

    assertThat(faults).extracting(DriverFault::xid).containsExactly(13, 48);
    assertThat(faults)
        .extracting(DriverFault::uuid)
        .containsOnly(SimulatedGpuNode.uuidFor("node-a", 5));
    assertThat(faults.getFirst().uptimeMicros()).isEqualTo(3600_000_000L);
    assertThat(parser.counters().unparsed()).isZero();
    XidClassifier.Result r =
        XidClassifier.withDefaults().classify(faults.get(1), XidHistory.EMPTY, NOW);
    assertThat(r.verdict().faultClass()).isEqualTo(FaultClass.GPU);
  }

  @Test
  void eccRowRemapThermalAndMissingGpusShowInSnapshots() {
    SimulatedGpuNode node = SimulatedGpuNode.hgxH100("node-a", BOOT);
    NodeSnapshot before = node.snapshot(NOW);
    node.doubleBitEcc(0, 2, NOW);
    node.rowRemapPending(1, true);
    node.rowRemapFailure(2, true);
    node.thermalSlowdown(3, true);
    node.removeGpu(4);
    NodeSnapshot after = node.snapshot(NOW.plusSeconds(1));

    List<Finding> findings = new ArrayList<>();
    for (GpuSample g : after.gpus())
      findings.addAll(TelemetryClassifier.findings(before.byUuid(g.uuid()).orElse(null), g, NOW));
    findings.addAll(
        TelemetryClassifier.missingGpus(
            before.gpus().stream().map(GpuSample::uuid).collect(Collectors.toSet()), after, NOW));

    assertThat(findings)
        .extracting(Finding::signal)
        .containsExactlyInAnyOrder(
            Signal.ECC_UNCORRECTABLE,
            Signal.ROW_REMAP_PENDING,
            Signal.ROW_REMAP_FAILURE,
            Signal.THERMAL_SLOWDOWN,
            Signal.GPU_MISSING);
    assertThat(after.gpus()).hasSize(7);

    node.resetGpu(0);
    node.resetGpu(1);
    node.thermalSlowdown(3, false);
    NodeSnapshot healed = node.snapshot(NOW.plusSeconds(2));
    assertThat(TelemetryClassifier.findings(after.gpus().get(1), healed.gpus().get(1), NOW))
        .isEmpty();
    assertThat(healed.gpus().getFirst().ecc().volatileUncorrected()).isZero();
  }

  @Test
  void fallingOffTheBusLogsXid79AndTheMessageWithoutACode() {
    SimulatedGpuNode node = SimulatedGpuNode.hgxH100("node-a", BOOT);
    node.fallOffTheBus(7, NOW);
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = new ArrayList<>();
    try (var kmsg = node.kmsg()) {
      for (var r = kmsg.next(); r instanceof KmsgRecordSource.Record rec; r = kmsg.next()) {
        faults.addAll(parser.acceptLine(rec.text()));
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(faults).extracting(DriverFault::xid).containsExactly(79, null);
    assertThat(faults).extracting(f -> f.pci().toString()).containsOnly("0000:db:00.0");
    assertThat(node.snapshot(NOW).gpus()).extracting(g -> g.identity().index()).doesNotContain(7);
    assertThat(Set.copyOf(node.kernelLog())).hasSize(node.kernelLog().size());
  }

  @Test
  void aNodeCarriedOnFromItsStateContinuesItsHardwareAndItsLog() {
    SimulatedGpuNode first = SimulatedGpuNode.hgxH100("node-a", BOOT);
    first.doubleBitEcc(2, 1, NOW);
    first.fallOffTheBus(5, NOW);

    SimulatedGpuNode carried = new SimulatedGpuNode("node-a", first.state(), 99);
    assertThat(carried.state()).isEqualTo(first.state());
    assertThat(carried.snapshot(NOW).gpus())
        .extracting(g -> g.identity().index())
        .containsExactly(0, 1, 2, 3, 4, 6, 7);
    assertThat(carried.snapshot(NOW).gpus().get(2).ecc().volatileUncorrected()).isEqualTo(1);
    assertThat(carried.kernelLog()).isEmpty();

    carried.injectXid(2, 31, NOW.plusSeconds(1));
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = new ArrayList<>();
    first.kernelLog().forEach(l -> faults.addAll(parser.acceptLine(l)));
    carried.kernelLog().forEach(l -> faults.addAll(parser.acceptLine(l)));
    assertThat(faults)
        .extracting(DriverFault::sequence)
        .as("the records go on where the first process left them")
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(carried.kernelLog())
        .as("GPU 2's UUID was announced before its first Xid, not again")
        .singleElement()
        .asString()
        .contains("Xid", ": 31,");
  }
}

package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.GpuHealthPolicy;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.XidDetail;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An agent restarted mid-remediation: the first run finds Xid 95 on GPU 2 and publishes; the next
 * run starts from that status. Real tracker, real Publication, simulated GPUs.
 */
class CarriedOverTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  /** 3 clean samples and 5 quiet minutes, as the defaults. */
  static final GpuHealthPolicy POLICY = GpuHealthPolicy.defaults();

  final NodeHealthTracker tracker = new NodeHealthTracker(XidClassifier.withDefaults());
  final SimulatedGpuNode sim = new SimulatedGpuNode("gpu-node-0007", 4, T0.minusSeconds(3600), 7);

  NodeKnowledge sampled(NodeKnowledge k, Instant at) {
    return k.withSample(tracker, "simulated", Parsed.of(sim.snapshot(at), 0, List.of()), at)
        .knowledge();
  }

  GpuSample gpu(int index) {
    return sim.snapshot(T0).gpus().get(index);
  }

  Set<String> present() {
    return sim.snapshot(T0).gpus().stream().map(GpuSample::uuid).collect(Collectors.toSet());
  }

  /** The first run: Xid 95 on GPU 2 at {@code at}, sampled, and what it published. */
  GpuNodeHealthStatus publishedAfterXid95(Instant at) {
    NodeKnowledge k = sampled(NodeKnowledge.INITIAL, at.minusSeconds(1));
    var g = gpu(2).identity();
    var xid =
        new DriverFault(
            DriverFault.Origin.SIMULATED,
            null,
            null,
            g.pci(),
            g.uuid(),
            95,
            XidDetail.NONE,
            "NVRM: Xid (PCI:"
                + g.pci()
                + "): 95, pid="
                + at.getEpochSecond() % 32768
                + ", Uncontained ECC error");
    k = sampled(k.withFaults(tracker, List.of(xid), at).knowledge(), at);
    assertThat(k.health().healthOf(g.uuid())).isEqualTo(GpuHealth.UNHEALTHY);
    return published(k, at);
  }

  GpuNodeHealthStatus published(NodeKnowledge k, Instant at) {
    NodeSnapshot snapshot = sim.snapshot(at);
    var in =
        new Publication.Inputs(1L, "simulated", snapshot, k.health(), k.faults(), Map.of(), at);
    return Publication.decide(in, Publication.Last.NOTHING, Duration.ofMinutes(1)).status();
  }

  /**
   * The next run: carried over from {@code status}, then clean samples every 10 s from {@code
   * restart}.
   */
  NodeKnowledge restartedFrom(GpuNodeHealthStatus status, Instant restart, int samples) {
    NodeKnowledge k =
        NodeKnowledge.INITIAL.resumedFrom(CarriedOver.from(status, present(), POLICY));
    for (int i = 0; i < samples; i++) k = sampled(k, restart.plusSeconds(10L * i));
    return k;
  }

  @Test
  void withoutCarryingOverARestartedAgentCallsTheBrokenGpuHealthy() {
    // What the agent did before: a fresh start, three clean samples, and Xid 95 is forgotten.
    NodeKnowledge fresh = NodeKnowledge.INITIAL;
    for (int i = 0; i < 3; i++) fresh = sampled(fresh, T0.plusSeconds(60 + 10L * i));
    assertThat(fresh.health().healthOf(gpu(2).uuid())).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void aGpuBrokenBeforeTheRestartStaysUnhealthyUntilItsQuietPeriodFromTheFaultPassed() {
    GpuNodeHealthStatus before = publishedAfterXid95(T0);
    NodeKnowledge k = restartedFrom(before, T0.plusSeconds(60), 10);
    String uuid = gpu(2).uuid();
    assertThat(k.health().healthOf(uuid)).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(k.health().gpus().get(uuid).since()).isEqualTo(T0);
    assertThat(k.health().healthOf(gpu(1).uuid())).isEqualTo(GpuHealth.HEALTHY);

    GpuNodeHealthStatus after = published(k, T0.plusSeconds(160));
    GpuDeviceHealth gpu2 = after.gpus().get(2);
    GpuDeviceHealth was = before.gpus().get(2);
    assertThat(gpu2.health()).isEqualTo(GpuHealthStatus.Unhealthy);
    assertThat(gpu2.since()).isEqualTo(was.since());
    assertThat(gpu2.reason()).isEqualTo(was.reason());
    assertThat(gpu2.recentFaults()).isEqualTo(was.recentFaults());
    assertThat(after.nodeFaults()).isEmpty();

    // five minutes after the Xid (not after the restart), the next clean sample heals it
    k = sampled(k, T0.plus(Duration.ofMinutes(5)));
    assertThat(k.health().healthOf(uuid)).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void aFaultOlderThanTheQuietPeriodNeedsOnlyTheCleanSamples() {
    GpuNodeHealthStatus before = publishedAfterXid95(T0);
    Instant restart = T0.plus(Duration.ofHours(2));
    assertThat(restartedFrom(before, restart, 2).health().healthOf(gpu(2).uuid()))
        .isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(restartedFrom(before, restart, 3).health().healthOf(gpu(2).uuid()))
        .isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void gpusAreMatchedByUuidNotByIndex() {
    GpuNodeHealthStatus before = publishedAfterXid95(T0);
    // after a reboot the broken GPU came back as index 0
    List<GpuDeviceHealth> reordered = new ArrayList<>();
    for (GpuDeviceHealth g : before.gpus())
      reordered.add(withIndex(g, g.index() == 2 ? 0 : g.index() == 0 ? 2 : g.index()));
    CarriedOver carried = CarriedOver.from(withGpus(before, reordered), present(), POLICY);
    assertThat(carried.gpus().get(gpu(2).uuid()).health()).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(carried.gpus().get(gpu(0).uuid()).health()).isEqualTo(GpuHealth.HEALTHY);
    assertThat(carried.faults().of(gpu(2).uuid())).hasSize(1);
  }

  @Test
  void aGpuTheNodeNoLongerHasIsDroppedWithItsFaults() {
    GpuNodeHealthStatus before = publishedAfterXid95(T0);
    Set<String> withoutGpu2 = present();
    withoutGpu2.remove(gpu(2).uuid());
    CarriedOver carried = CarriedOver.from(before, withoutGpu2, POLICY);
    assertThat(carried.gpus()).hasSize(3).doesNotContainKey(gpu(2).uuid());
    assertThat(carried.faults().byGpu()).isEmpty();
  }

  /** The first run: GPU 2 falls off the bus and is reported missing. */
  GpuNodeHealthStatus publishedAfterGpu2FellOffTheBus() {
    NodeKnowledge k = sampled(NodeKnowledge.INITIAL, T0.minusSeconds(1));
    sim.fallOffTheBus(2, T0);
    k = sampled(k, T0); // found missing; its kernel-log Xid 79 is not needed here
    return published(k, T0);
  }

  @Test
  void aGpuReportedMissingAndStillAbsentStaysExpectedAndUnhealthy() {
    String uuid2 = SimulatedGpuNode.uuidFor(sim.nodeName(), 2);
    GpuNodeHealthStatus before = publishedAfterGpu2FellOffTheBus();
    assertThat(before.gpus().get(2).present()).isFalse();
    assertThat(present()).doesNotContain(uuid2);

    NodeKnowledge k = restartedFrom(before, T0.plus(Duration.ofHours(2)), 5);
    assertThat(k.health().expectedGpus()).contains(uuid2);
    assertThat(k.health().healthOf(uuid2)).isEqualTo(GpuHealth.UNHEALTHY);
    GpuDeviceHealth gpu2 = published(k, T0.plus(Duration.ofHours(3))).gpus().get(2);
    assertThat(gpu2.uuid()).isEqualTo(uuid2);
    assertThat(gpu2.present()).isFalse();
    assertThat(gpu2.pciBusId()).isEqualTo(before.gpus().get(2).pciBusId());
    assertThat(gpu2.recentFaults()).containsAll(before.gpus().get(2).recentFaults());
  }

  @Test
  void aMissingGpuWithAnAddressThatIsNoneIsRefused() {
    GpuNodeHealthStatus before = publishedAfterGpu2FellOffTheBus();
    GpuDeviceHealth g = before.gpus().get(2);
    GpuDeviceHealth spoilt =
        new GpuDeviceHealth(
            g.index(),
            g.uuid(),
            g.model(),
            "bus 7",
            g.present(),
            g.health(),
            g.reason(),
            g.since(),
            g.recentFaults(),
            g.ecc(),
            g.remappedRows(),
            g.clockEventReasons());
    assertThatThrownBy(
            () ->
                CarriedOver.from(withGpus(before, edit(before, 2, x -> spoilt)), present(), POLICY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("status.gpus[2].pciBusId: ");
  }

  @Test
  void nodeFaultsAreCarriedAndHoldEveryGpu() {
    NodeKnowledge k = sampled(NodeKnowledge.INITIAL, T0.minusSeconds(1));
    k = k.withSample(tracker, "nvml", Parsed.failed("NVML_ERROR_UNKNOWN"), T0).knowledge();
    GpuNodeHealthStatus before = published(sampled(k, T0.plusSeconds(1)), T0.plusSeconds(1));
    assertThat(before.nodeFaults()).hasSize(1);

    NodeKnowledge after = restartedFrom(before, T0.plusSeconds(60), 3);
    assertThat(after.faults().of(FaultHistory.NODE)).hasSize(1);
    assertThat(after.health().expectedGpus())
        .allSatisfy(u -> assertThat(after.health().healthOf(u)).isEqualTo(GpuHealth.UNHEALTHY));
    assertThat(published(after, T0.plusSeconds(90)).nodeFaults()).isEqualTo(before.nodeFaults());
  }

  @Test
  void faultsFoundAfterTheRestartComeAfterTheCarriedOnes() {
    GpuNodeHealthStatus before = publishedAfterXid95(T0);
    FaultHistory later =
        CarriedOver.from(publishedAfterXid95(T0.plusSeconds(600)), present(), POLICY).faults();
    NodeKnowledge k =
        new NodeKnowledge(NodeHealth.EMPTY, later, 0, null)
            .resumedFrom(CarriedOver.from(before, present(), POLICY));
    assertThat(k.faults().of(gpu(2).uuid()))
        .extracting(e -> e.finding().at())
        .containsExactly(T0, T0.plusSeconds(600));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("status.gpus[2].uuid", s -> withGpus(s, edit(s, 2, g -> withUuid(g, null)))),
        bad("status.gpus[2].health", s -> withGpus(s, edit(s, 2, g -> withHealth(g, null)))),
        bad("status.gpus[2].since", s -> withGpus(s, edit(s, 2, g -> withSince(g, "yesterday")))),
        bad(
            "status.gpus[3].uuid",
            s -> withGpus(s, edit(s, 3, g -> withUuid(g, s.gpus().get(1).uuid())))),
        bad(
            "status.gpus[2].recentFaults[0].at",
            s ->
                withGpus(
                    s,
                    edit(
                        s,
                        2,
                        g -> withFault(g, f -> fault(f, f.signal(), f.faultClass(), "soon"))))),
        bad(
            "status.gpus[2].recentFaults[0].signal",
            s ->
                withGpus(
                    s,
                    edit(
                        s,
                        2,
                        g -> withFault(g, f -> fault(f, "COSMIC_RAY", f.faultClass(), f.at()))))),
        bad(
            "status.gpus[2].recentFaults[0].class",
            s ->
                withGpus(
                    s, edit(s, 2, g -> withFault(g, f -> fault(f, f.signal(), null, f.at()))))),
        bad(
            "status.gpus[2].recentFaults[0].class",
            s ->
                withGpus(
                    s, edit(s, 2, g -> withFault(g, f -> fault(f, f.signal(), "meh", f.at()))))),
        bad(
            "status.nodeFaults[0].at",
            s ->
                withNodeFaults(
                    s,
                    List.of(
                        fault(
                            s.gpus().get(2).recentFaults().get(0),
                            "NVML_FAILURE",
                            "node",
                            null)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedStatusIsRefusedNamingTheField(
      String field, UnaryOperator<GpuNodeHealthStatus> spoil) {
    GpuNodeHealthStatus spoilt = spoil.apply(publishedAfterXid95(T0));
    assertThatThrownBy(() -> CarriedOver.from(spoilt, present(), POLICY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ": ");
  }

  @Test
  void anEmptyStatusCarriesNothing() {
    var empty = new GpuNodeHealthStatus(null, null, null, null, null, null, null, null, null);
    CarriedOver carried = CarriedOver.from(empty, present(), POLICY);
    assertThat(carried.gpus()).isEmpty();
    assertThat(carried.faults().byGpu()).isEmpty();
  }

  // --- editing a published status ----------------------------------------------------------------

  static Arguments bad(String field, UnaryOperator<GpuNodeHealthStatus> spoil) {
    return Arguments.of(field, spoil);
  }

  static List<GpuDeviceHealth> edit(
      GpuNodeHealthStatus s, int i, UnaryOperator<GpuDeviceHealth> change) {
    List<GpuDeviceHealth> gpus = new ArrayList<>(s.gpus());
    gpus.set(i, change.apply(gpus.get(i)));
    return gpus;
  }

  static GpuNodeHealthStatus withGpus(GpuNodeHealthStatus s, List<GpuDeviceHealth> gpus) {
    return new GpuNodeHealthStatus(
        s.observedGeneration(),
        s.conditions(),
        s.sampledAt(),
        s.source(),
        s.driverVersion(),
        s.cudaVersion(),
        gpus,
        s.nodeFaults(),
        s.unparsedInput());
  }

  static GpuNodeHealthStatus withNodeFaults(GpuNodeHealthStatus s, List<GpuFault> faults) {
    return new GpuNodeHealthStatus(
        s.observedGeneration(),
        s.conditions(),
        s.sampledAt(),
        s.source(),
        s.driverVersion(),
        s.cudaVersion(),
        s.gpus(),
        faults,
        s.unparsedInput());
  }

  static GpuDeviceHealth device(
      GpuDeviceHealth g,
      int index,
      String uuid,
      GpuHealthStatus health,
      String since,
      List<GpuFault> faults) {
    return new GpuDeviceHealth(
        index,
        uuid,
        g.model(),
        g.pciBusId(),
        g.present(),
        health,
        g.reason(),
        since,
        faults,
        g.ecc(),
        g.remappedRows(),
        g.clockEventReasons());
  }

  static GpuDeviceHealth withIndex(GpuDeviceHealth g, int index) {
    return device(g, index, g.uuid(), g.health(), g.since(), g.recentFaults());
  }

  static GpuDeviceHealth withUuid(GpuDeviceHealth g, String uuid) {
    return device(g, g.index(), uuid, g.health(), g.since(), g.recentFaults());
  }

  static GpuDeviceHealth withHealth(GpuDeviceHealth g, GpuHealthStatus health) {
    return device(g, g.index(), g.uuid(), health, g.since(), g.recentFaults());
  }

  static GpuDeviceHealth withSince(GpuDeviceHealth g, String since) {
    return device(g, g.index(), g.uuid(), g.health(), since, g.recentFaults());
  }

  static GpuDeviceHealth withFault(GpuDeviceHealth g, UnaryOperator<GpuFault> change) {
    List<GpuFault> faults = new ArrayList<>(g.recentFaults());
    faults.set(0, change.apply(faults.get(0)));
    return device(g, g.index(), g.uuid(), g.health(), g.since(), faults);
  }

  static GpuFault fault(GpuFault f, String signal, String faultClass, String at) {
    return new GpuFault(f.xid(), signal, faultClass, f.action(), f.reason(), at, f.text());
  }
}

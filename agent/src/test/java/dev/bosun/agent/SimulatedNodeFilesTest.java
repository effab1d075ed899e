package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of a simulated node as {@code bosun dev fault} writes them and the fleet's agent reads
 * them: the records are the driver's (the real parser reads them onto the right GPU), NVML's state
 * follows the fault, and a clear undoes it.
 */
class SimulatedNodeFilesTest {

  static final String NODE = "gpu-node-0001";
  static final Instant BOOT = Instant.parse("2026-12-01T08:00:00Z");
  static final Clock AT = Clock.fixed(BOOT.plusSeconds(3600), ZoneOffset.UTC);

  /** Not the simulator's own UUIDs and addresses: the files must keep the ones they are given. */
  static final List<GpuIdentity> GPUS =
      IntStream.range(0, 4)
          .mapToObj(
              i ->
                  new GpuIdentity(
                      i,
                      "GPU-"
                          + UUID.nameUUIDFromBytes(("slice/" + i).getBytes(StandardCharsets.UTF_8)),
                      "NVIDIA H100 80GB HBM3",
                      PciAddress.of("0001:%02x:00.0".formatted(0x40 + i))))
          .toList();

  @TempDir Path agents;
  SimulatedNodeFiles files;

  @BeforeEach
  void boot() throws Exception {
    files = SimulatedNodeFiles.boot(agents, NODE, GPUS, BOOT);
  }

  @Test
  void aBootedNodeHasItsGivenGpusHealthyAndAnEmptyLog() throws Exception {
    assertThat(SimulatedNodeFiles.find(agents, NODE)).isPresent();
    assertThat(files.state().gpus())
        .allSatisfy(g -> assertThat(g.present()).isTrue())
        .extracting(g -> g.identity())
        .isEqualTo(GPUS);
    assertThat(Files.readString(files.kmsg())).isEmpty();
    assertThat(sample().gpus()).hasSize(4);
  }

  @Test
  void onlyBootedNodesAndNodeNamesAreFound() {
    assertThat(SimulatedNodeFiles.find(agents, "gpu-node-0002")).isEmpty();
    assertThat(SimulatedNodeFiles.find(agents, "../" + agents.getFileName() + "/" + NODE))
        .isEmpty();
    assertThat(SimulatedNodeFiles.find(agents, "")).isEmpty();
  }

  @Test
  void anXidIsLoggedOnTheGpuOfThatIndexWithItsUuid() throws Exception {
    var injected = files.inject(2, new SimulatedFault.Xid(79), AT);

    assertThat(injected.gpu()).isEqualTo(GPUS.get(2));
    assertThat(injected.at()).isEqualTo(AT.instant());
    assertThat(Files.readAllLines(files.kmsg())).isEqualTo(injected.records());
    List<DriverFault> faults = parse(Files.readAllLines(files.kmsg()));
    assertThat(faults)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.xid()).isEqualTo(79);
              assertThat(f.pci()).isEqualTo(GPUS.get(2).pci());
              assertThat(f.uuid()).isEqualTo(GPUS.get(2).uuid());
            });
    assertThat(sample().gpus()).as("an Xid alone leaves NVML as it was").hasSize(4);
  }

  @Test
  void injectionsFollowEachOtherInTheLog() throws Exception {
    files.inject(0, new SimulatedFault.Xid(13), AT);
    files.inject(0, new SimulatedFault.Xid(13), AT);
    files.inject(1, new SimulatedFault.Xid(31), AT);

    List<DriverFault> faults = parse(Files.readAllLines(files.kmsg()));
    assertThat(faults).extracting(DriverFault::xid).containsExactly(13, 13, 31);
    assertThat(faults).extracting(DriverFault::sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void eccAndAFallOffTheBusChangeNvmlAndAClearUndoesThem() throws Exception {
    files.inject(1, new SimulatedFault.DoubleBitEcc(), AT);
    files.inject(3, new SimulatedFault.FallOffTheBus(), AT);

    var source = new SimulatedNodeSource(files);
    NodeSnapshot faulty = source.sample(AT.instant()).value().orElseThrow();
    assertThat(faulty.gpus()).extracting(g -> g.identity().index()).containsExactly(0, 1, 2);
    assertThat(faulty.gpus().get(1).ecc().volatileUncorrected()).isEqualTo(1);
    assertThat(parse(Files.readAllLines(files.kmsg())))
        .extracting(DriverFault::xid)
        .contains(48, 79);

    var cleared = files.inject(3, new SimulatedFault.Clear(), AT);
    files.inject(1, new SimulatedFault.Clear(), AT);
    assertThat(cleared.records()).as("a reset is not logged as a fault").isEmpty();
    NodeSnapshot healthy = source.sample(AT.instant()).value().orElseThrow();
    assertThat(healthy.gpus()).hasSize(4);
    assertThat(healthy.gpus().get(1).ecc().volatileUncorrected()).isZero();
  }

  @Test
  void aGpuTheNodeDoesNotHaveIsRefusedAndNothingIsWritten() throws Exception {
    assertThatThrownBy(() -> files.inject(4, new SimulatedFault.Xid(79), AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GPUs 0 to 3, not 4");
    assertThat(Files.readString(files.kmsg())).isEmpty();
  }

  @Test
  void aStateThatCannotBeReadIsAFailedSampleNotACrash() throws Exception {
    Files.writeString(files.stateFile(), "{not json");
    Parsed<NodeSnapshot> sample = new SimulatedNodeSource(files).sample(AT.instant());
    assertThat(sample.value()).isEmpty();
    assertThat(sample.problems()).singleElement().asString().contains("node.json");
  }

  @Test
  void reportedLoadIsNvmlsUtilisationOfThatGpuUntilItChangesOrTheNodeReboots() throws Exception {
    var source = new SimulatedNodeSource(files);
    assertThat(utilisation(source)).containsExactly(0, 0, 0, 0);

    files.utilise(2, 73);
    files.utilise(0, 5);
    assertThat(utilisation(source)).containsExactly(5, 0, 73, 0);
    files.utilise(2, 0);
    assertThat(utilisation(source)).containsExactly(5, 0, 0, 0);

    SimulatedNodeFiles.boot(agents, NODE, GPUS, BOOT);
    assertThat(utilisation(new SimulatedNodeSource(files))).containsExactly(0, 0, 0, 0);
  }

  @Test
  void loadOnAGpuTheNodeDoesNotHaveOrOutOfRangeIsRefusedAndABrokenFileReadsAsIdle()
      throws Exception {
    files.utilise(1, 40);
    assertThatThrownBy(() -> files.utilise(4, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GPUs 0 to 3, not 4");
    assertThatThrownBy(() -> files.utilise(1, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 100 %, not 101");
    assertThat(files.utilisation()).containsExactly(Map.entry(1, 40));

    Files.writeString(files.utilisationFile(), "{\"1\": 400, \"x\"");
    var sample = new SimulatedNodeSource(files).sample(AT.instant());
    assertThat(sample.problems()).isEmpty();
    assertThat(sample.value().orElseThrow().gpus())
        .allSatisfy(g -> assertThat(g.utilisation().gpuPercent()).isZero());
  }

  @Test
  void aReBootStartsHealthyWithAnEmptyLog() throws Exception {
    files.inject(3, new SimulatedFault.FallOffTheBus(), AT);
    Files.writeString(files.cursor(), "anything");
    SimulatedNodeFiles again = SimulatedNodeFiles.boot(agents, NODE, GPUS, BOOT);
    assertThat(again.state().gpus()).allSatisfy(g -> assertThat(g.present()).isTrue());
    assertThat(Files.readString(again.kmsg())).isEmpty();
    assertThat(again.cursor()).doesNotExist();
  }

  private static List<Integer> utilisation(SimulatedNodeSource source) {
    return source.sample(AT.instant()).value().orElseThrow().gpus().stream()
        .map(g -> g.utilisation().gpuPercent())
        .toList();
  }

  private NodeSnapshot sample() {
    return new SimulatedNodeSource(files).sample(AT.instant()).value().orElseThrow();
  }

  private static List<DriverFault> parse(List<String> records) {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = new ArrayList<>();
    records.forEach(r -> faults.addAll(parser.acceptLine(r)));
    return faults;
  }
}

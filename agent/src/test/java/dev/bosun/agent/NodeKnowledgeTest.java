package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.XidDetail;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's decisions without threads, clocks or I/O: one input at a time. */
class NodeKnowledgeTest {

  static final String NODE = "gpu-node-0007";
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  final NodeHealthTracker tracker = new NodeHealthTracker(XidClassifier.withDefaults());
  final SimulatedGpuNode sim = new SimulatedGpuNode(NODE, 4, T0.minusSeconds(3600), 7);

  NodeKnowledge.AfterSample sample(NodeKnowledge k, Instant at) {
    return k.withSample(tracker, "simulated", Parsed.of(sim.snapshot(at), 2, List.of()), at);
  }

  @Test
  void aGoodSampleMakesEveryGpuKnownAndHealthyAndCountsWhatWasUnreadable() {
    var after = sample(NodeKnowledge.INITIAL, T0);
    var k = after.knowledge();
    assertThat(after.snapshot()).isSameAs(after.effective());
    assertThat(k.health().expectedGpus()).hasSize(4);
    assertThat(k.health().expectedGpus())
        .allSatisfy(uuid -> assertThat(k.health().healthOf(uuid)).isEqualTo(GpuHealth.HEALTHY));
    assertThat(k.sourceProblem()).isNull();
    assertThat(sample(k, T0.plusSeconds(1)).knowledge().sourceUnparsed()).isEqualTo(4);
    assertThat(k.unparsed("simulated", Map.of("kmsg", 3L)))
        .isEqualTo(Map.of("kmsg", 3L, "simulated", 2L));
  }

  @Test
  void aFailedReadHoldsTheKnownGpusUnhealthyUntilTheSourceAnswersAgain() {
    var k = sample(NodeKnowledge.INITIAL, T0).knowledge();
    var failed =
        k.withSample(tracker, "nvml", Parsed.failed("NVML_ERROR_GPU_IS_LOST"), T0.plusSeconds(1));
    assertThat(failed.snapshot()).isNull();
    assertThat(failed.effective().gpus()).isEmpty();
    assertThat(failed.knowledge().sourceProblem()).isEqualTo("nvml: NVML_ERROR_GPU_IS_LOST");
    assertThat(failed.knowledge().health().expectedGpus())
        .allSatisfy(
            uuid ->
                assertThat(failed.knowledge().health().healthOf(uuid))
                    .isEqualTo(GpuHealth.UNHEALTHY));
    assertThat(sample(failed.knowledge(), T0.plusSeconds(2)).knowledge().sourceProblem()).isNull();
  }

  @Test
  void aXid79AsksForASampleAtOnceAndIsKeptWithTheDriversWords() {
    NodeSnapshot first = sim.snapshot(T0);
    var k = sample(NodeKnowledge.INITIAL, T0).knowledge();
    var gpu2 = first.gpus().get(2).identity();
    String text = "Xid (PCI:" + gpu2.pci() + "): 79, GPU has fallen off the bus.";
    var fault =
        new DriverFault(
            DriverFault.Origin.SIMULATED,
            null,
            null,
            gpu2.pci(),
            gpu2.uuid(),
            79,
            XidDetail.NONE,
            text);

    var after = k.withFaults(tracker, List.of(fault), T0.plusSeconds(1));

    assertThat(after.breaksAGpu()).isTrue();
    assertThat(after.knowledge().faults().of(gpu2.uuid()))
        .anySatisfy(e -> assertThat(e.text()).isEqualTo(text));
    assertThat(k.faults().of(gpu2.uuid())).as("the knowledge it came from is unchanged").isEmpty();
  }

  @Test
  void noFaultsChangeNothing() {
    var k = sample(NodeKnowledge.INITIAL, T0).knowledge();
    var after = k.withFaults(tracker, List.of(), T0.plusSeconds(1));
    assertThat(after.findings()).isEmpty();
    assertThat(after.breaksAGpu()).isFalse();
    assertThat(after.knowledge()).isEqualTo(k);
  }
}

package dev.bosun.agent;

import dev.bosun.gpu.inspect.Inspect;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the agent reads its GPUs from, one snapshot per sampling period. A source never throws: a
 * failed read is a {@link Parsed} without a value, which the agent turns into an NVML-failure
 * finding (every GPU held unhealthy) rather than a crash.
 */
public interface GpuSource extends AutoCloseable {

  /**
   * {@code nvml}, {@code nvidia-smi} or {@code simulated}: the label of the unparsed-input counter
   * too.
   */
  String name();

  Parsed<NodeSnapshot> sample(Instant now);

  /**
   * NVML's Xid/ECC event watch, when this source has one; the agent uses it only without a kernel
   * log.
   */
  default Optional<Nvml> nvml() {
    return Optional.empty();
  }

  @Override
  default void close() {}

  /** The outcome of looking for a real source. */
  sealed interface Found permits Opened, NoGpu {}

  record Opened(GpuSource source) implements Found {}

  /** Neither NVML nor nvidia-smi answered; each reason says why. */
  record NoGpu(List<String> reasons) implements Found {}

  /**
   * NVML when {@code libnvidia-ml.so.1} loads and lists a GPU, else {@code nvidia-smi -q -x} when
   * it runs and lists one. The same order as {@code bosun gpu inspect}.
   */
  static Found detect(Instant now) {
    List<String> reasons = new ArrayList<>();
    Nvml.Opening opening = Nvml.open();
    if (opening instanceof Nvml.Opened(Nvml lib)) {
      Parsed<NodeSnapshot> first = lib.snapshot(now);
      if (first.value().isPresent() && !first.value().get().gpus().isEmpty())
        return new Opened(new NvmlSource(lib));
      reasons.add(
          "NVML: "
              + (first.value().isPresent() ? "no devices" : String.join(", ", first.problems())));
      lib.close();
    } else if (opening instanceof Nvml.Unavailable(String reason, _)) {
      reasons.add("NVML: " + reason);
    }
    SmiSource smi = new SmiSource();
    Parsed<NodeSnapshot> first = smi.sample(now);
    if (first.value().isPresent() && !first.value().get().gpus().isEmpty()) return new Opened(smi);
    reasons.add(
        "nvidia-smi: "
            + (first.value().isPresent() ? "no GPUs listed" : String.join(", ", first.problems())));
    return new NoGpu(reasons);
  }

  /** NVML through {@code java.lang.foreign}; cheap enough to call every second. */
  final class NvmlSource implements GpuSource {
    private final Nvml nvml;

    public NvmlSource(Nvml nvml) {
      this.nvml = nvml;
    }

    @Override
    public String name() {
      return "nvml";
    }

    @Override
    public Parsed<NodeSnapshot> sample(Instant now) {
      return nvml.snapshot(now);
    }

    @Override
    public Optional<Nvml> nvml() {
      return Optional.of(nvml);
    }

    @Override
    public void close() {
      nvml.close();
    }
  }

  /**
   * {@code nvidia-smi -q -x}: a process per sample (~100 ms of CPU), so use a longer interval with
   * it.
   */
  final class SmiSource implements GpuSource {
    @Override
    public String name() {
      return "nvidia-smi";
    }

    @Override
    public Parsed<NodeSnapshot> sample(Instant now) {
      Parsed<String> xml = Inspect.runNvidiaSmi();
      if (xml.value().isEmpty()) return Parsed.failed(String.join(", ", xml.problems()));
      return SmiXmlParser.parse(xml.value().get(), now);
    }
  }

  /**
   * The simulated node of the local fleet and the tests; faults are injected on {@link #node()}.
   */
  final class SimulatedSource implements GpuSource {
    private final SimulatedGpuNode node;

    public SimulatedSource(SimulatedGpuNode node) {
      this.node = node;
    }

    public SimulatedGpuNode node() {
      return node;
    }

    @Override
    public String name() {
      return "simulated";
    }

    @Override
    public Parsed<NodeSnapshot> sample(Instant now) {
      return Parsed.of(node.snapshot(now), 0, List.of());
    }
  }
}

package dev.bosun.gpu.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.nvml.NvmlReturn;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InspectTest {

  static final Instant NOW = Instant.parse("2026-11-28T01:00:00Z");
  static final Nvml.Opening NO_NVML =
      new Nvml.Unavailable("libnvidia-ml.so.1 not found", NvmlReturn.LIBRARY_NOT_FOUND);

  @Test
  void fallsBackToNvidiaSmi() {
    Inspect.Outcome o =
        Inspect.inspect(
            NOW, () -> NO_NVML, () -> Parsed.of(Fixtures.h100("nvidia-smi-q.xml"), 0, List.of()));
    assertThat(o)
        .isInstanceOfSatisfying(
            Inspect.Found.class,
            f -> {
              assertThat(f.source()).isEqualTo("nvidia-smi");
              assertThat(f.snapshot().gpus()).hasSize(1);
              String json = Inspect.render(f, "json");
              assertThat(json)
                  .contains(
                      "\"source\": \"nvidia-smi\"",
                      "\"uuid\": \"GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94\"",
                      "\"pciBusId\": \"00000000:00:06.0\"",
                      "\"memoryMiB\": {\"total\": 81559, \"used\": 0, \"free\": 81079}",
                      "\"clockEventReasons\": {\"bits\": \"0x0000000000000001\", \"names\": [\"gpu_idle\"]}");
              assertThat(Inspect.render(f, "table"))
                  .contains("NVIDIA H100 80GB HBM3", "0000:00:06.0", "37C");
            });
  }

  @Test
  void noGpuIsAClearSentence() {
    Inspect.Outcome o =
        Inspect.inspect(NOW, () -> NO_NVML, () -> Parsed.failed("not found on PATH"));
    assertThat(o)
        .isInstanceOfSatisfying(
            Inspect.NoGpu.class,
            n ->
                assertThat(n.message())
                    .isEqualTo(
                        "no NVIDIA GPU found: NVML: libnvidia-ml.so.1 not found; nvidia-smi: not found on PATH"));
  }

  @Test
  void compareAgreesWithItselfAndSpotsADifference() {
    NodeSnapshot smi =
        SmiXmlParser.parse(Fixtures.h100("nvidia-smi-q.xml"), NOW).value().orElseThrow();
    assertThat(Compare.compare(smi, smi)).allMatch(Compare.Row::agrees);
    NodeSnapshot other = SimulatedGpuNode.hgxH100("x", NOW).snapshot(NOW);
    assertThat(Compare.compare(other, smi)).anyMatch(r -> !r.agrees());
  }
}

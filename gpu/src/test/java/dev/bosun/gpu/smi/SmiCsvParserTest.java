package dev.bosun.gpu.smi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.classify.TelemetryClassifier;
import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.MemoryUsage;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.model.RemappedRows;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmiCsvParserTest {

  @Test
  void readsTheRealCsvWithHeaderAndUnits() {
    Parsed<SmiCsvParser.Table> table = SmiCsvParser.parseWithHeader(Fixtures.h100("query-gpu.csv"));
    assertThat(table.value().orElseThrow().fields())
        .hasSize(34)
        .contains("memory.used", "utilization.gpu", "power.draw");

    Parsed<List<GpuSample>> samples = SmiCsvParser.samples(table.value().orElseThrow());

    assertThat(samples.unparsed()).as(samples.problems().toString()).isZero();
    GpuSample g = samples.value().orElseThrow().getFirst();
    assertThat(g.uuid()).isEqualTo("GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94");
    assertThat(g.identity().pci()).isEqualTo(PciAddress.of("00000000:00:06.0"));
    assertThat(g.memory()).isEqualTo(new MemoryUsage(81559, 0, 81079));
    assertThat(g.powerWatts()).isEqualTo(108.93);
    assertThat(g.temperatureCelsius()).isEqualTo(37);
    assertThat(g.clockEventReasons().bits()).isEqualTo(ClockEventReasons.GPU_IDLE);
    assertThat(g.ecc().volatileUncorrected()).isZero();
    assertThat(g.remappedRows()).isEqualTo(RemappedRows.NONE);
    assertThat(g.retiredPagesPending()).isNull(); // [N/A]
  }

  @Test
  void readsTheRealCsvWithoutHeaderOrUnits() {
    Parsed<SmiCsvParser.Table> table =
        SmiCsvParser.parseNoHeader(
            Fixtures.h100("query-gpu-nounits.csv"), SmiCsvParser.HEALTH_QUERY);
    GpuSample g =
        SmiCsvParser.samples(table.value().orElseThrow()).value().orElseThrow().getFirst();

    assertThat(g.identity().name()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(g.identity().pci()).isNull(); // not asked for
    assertThat(g.memory().totalMiB()).isEqualTo(81559);
    assertThat(g.powerWatts()).isEqualTo(106.82);
    assertThat(g.remappedRows().pending()).isFalse();
  }

  @Test
  void theRealLoadTraceShowsThePowerCapAndNoSlowdown() {
    SmiCsvParser.Table trace =
        SmiCsvParser.parseWithHeader(Fixtures.h100("trace-under-load.csv")).value().orElseThrow();
    var f = new Fields();
    long powerCapped =
        trace.rows().stream()
            .map(r -> new ClockEventReasons(f.hex("r", r.get("clocks_event_reasons.active"))))
            .filter(r -> r.has(ClockEventReasons.SW_POWER_CAP))
            .count();
    boolean anySlowdown =
        trace.rows().stream()
            .map(r -> new ClockEventReasons(f.hex("r", r.get("clocks_event_reasons.active"))))
            .anyMatch(r -> r.thermalSlowdown() || r.powerSlowdown());
    assertThat(powerCapped).isGreaterThan(10);
    assertThat(anySlowdown).isFalse();
    assertThat(f.unparsed()).isZero();
    // and the trace rows name no GPU, so they are not samples
    assertThat(SmiCsvParser.samples(trace).unparsed()).isEqualTo(trace.rows().size());
  }

  @Test
  void aPowerCappedGpuAtFullLoadIsNotDegraded() {
    String csv =
        "index, uuid, name, utilization.gpu [%], power.draw [W], clocks_event_reasons.active\n"
            + "0, GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94, NVIDIA H100 80GB HBM3, 100 %, 699.91 W, 0x0000000000000004\n";
    GpuSample g =
        SmiCsvParser.samples(SmiCsvParser.parseWithHeader(csv).value().orElseThrow())
            .value()
            .orElseThrow()
            .getFirst();
    assertThat(TelemetryClassifier.findings(null, g, Instant.EPOCH)).isEmpty();
  }

  @Test
  void shortRowsAndGarbageAreCounted() {
    Parsed<SmiCsvParser.Table> t =
        SmiCsvParser.parseNoHeader("0, GPU-x\nnonsense\n", SmiCsvParser.HEALTH_QUERY);
    assertThat(t.value().orElseThrow().rows()).isEmpty();
    assertThat(t.unparsed()).isEqualTo(2);
  }

  @Test
  void unitsAreDroppedFromHeaderNames() {
    assertThat(SmiCsvParser.fieldName(" memory.used [MiB]")).isEqualTo("memory.used");
    assertThat(SmiCsvParser.parseWithHeader("a [W], b\n1 W, 2\n").value().orElseThrow().rows())
        .containsExactly(Map.of("a", "1 W", "b", "2"));
  }
}

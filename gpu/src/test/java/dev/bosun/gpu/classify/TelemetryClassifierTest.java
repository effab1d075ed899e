package dev.bosun.gpu.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.RemappedRows;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TelemetryClassifierTest {

  static final Instant NOW = Instant.parse("2026-11-28T01:00:00Z");
  static final NodeSnapshot REAL =
      SmiXmlParser.parse(Fixtures.h100("nvidia-smi-q.xml"), NOW).value().orElseThrow();
  static final GpuSample HEALTHY = REAL.gpus().getFirst();

  @Test
  void theRealHealthyH100HasNoFinding() {
    assertThat(TelemetryClassifier.findings(null, HEALTHY, NOW)).isEmpty();
    assertThat(TelemetryClassifier.findings(HEALTHY, HEALTHY, NOW)).isEmpty();
  }

  @Test
  void uncorrectableEccGrowthIsAGpuFault() {
    GpuSample grown = HEALTHY.withEcc(new EccCounts(0, 2, 0, 2));
    List<Finding> f = TelemetryClassifier.findings(HEALTHY, grown, NOW);
    assertThat(f)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.signal()).isEqualTo(Signal.ECC_UNCORRECTABLE);
              assertThat(x.faultClass()).isEqualTo(FaultClass.GPU);
              assertThat(x.gpuUuid()).isEqualTo(HEALTHY.uuid());
            });
    assertThat(TelemetryClassifier.findings(grown, grown, NOW)).as("no growth, no news").isEmpty();
  }

  @Test
  void correctableEccIsNotAFault() {
    assertThat(
            TelemetryClassifier.findings(
                HEALTHY, HEALTHY.withEcc(new EccCounts(500, 0, 500, 0)), NOW))
        .isEmpty();
  }

  @Test
  void rowRemapPendingNeedsAResetAndFailureTakesTheGpuOut() {
    assertThat(
            TelemetryClassifier.findings(
                HEALTHY, HEALTHY.withRemappedRows(new RemappedRows(0, 1, true, false)), NOW))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.signal()).isEqualTo(Signal.ROW_REMAP_PENDING);
              assertThat(x.faultClass()).isEqualTo(FaultClass.GPU);
            });
    assertThat(
            TelemetryClassifier.findings(
                HEALTHY, HEALTHY.withRemappedRows(new RemappedRows(0, 8, true, true)), NOW))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.signal()).isEqualTo(Signal.ROW_REMAP_FAILURE);
              assertThat(x.faultClass()).isEqualTo(FaultClass.SUPPORT);
            });
  }

  @Test
  void thermalAndPowerSlowdownDegradeButDoNotBreak() {
    GpuSample hot =
        HEALTHY.withClockEventReasons(new ClockEventReasons(ClockEventReasons.SW_THERMAL_SLOWDOWN));
    GpuSample braked =
        HEALTHY.withClockEventReasons(
            new ClockEventReasons(ClockEventReasons.HW_POWER_BRAKE_SLOWDOWN));
    GpuSample capped =
        HEALTHY.withClockEventReasons(new ClockEventReasons(ClockEventReasons.SW_POWER_CAP));
    assertThat(TelemetryClassifier.findings(HEALTHY, hot, NOW))
        .extracting(Finding::signal, Finding::faultClass)
        .containsExactly(tuple(Signal.THERMAL_SLOWDOWN, FaultClass.DEGRADED));
    assertThat(TelemetryClassifier.findings(HEALTHY, braked, NOW))
        .extracting(Finding::signal)
        .containsExactly(Signal.POWER_SLOWDOWN);
    assertThat(TelemetryClassifier.findings(HEALTHY, capped, NOW))
        .as("a power cap at full load is normal")
        .isEmpty();
  }

  @Test
  void aMissingGpuIsANodeFault() {
    NodeSnapshot none = new NodeSnapshot(NOW, "580.159.04", null, "13.0", List.of());
    assertThat(TelemetryClassifier.missingGpus(Set.of(HEALTHY.uuid()), none, NOW))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.signal()).isEqualTo(Signal.GPU_MISSING);
              assertThat(f.faultClass()).isEqualTo(FaultClass.NODE);
            });
    assertThat(TelemetryClassifier.missingGpus(Set.of(HEALTHY.uuid()), REAL, NOW)).isEmpty();
  }

  @Test
  void nvmlFailureIsANodeFault() {
    assertThat(
            TelemetryClassifier.nvmlFailure("nvmlInit_v2 failed: DRIVER_NOT_LOADED", NOW)
                .faultClass())
        .isEqualTo(FaultClass.NODE);
  }
}

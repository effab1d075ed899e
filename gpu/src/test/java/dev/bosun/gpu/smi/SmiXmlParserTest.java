package dev.bosun.gpu.smi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.MemoryUsage;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.model.RemappedRows;
import dev.bosun.gpu.model.Utilisation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SmiXmlParserTest {

  static final Instant NOW = Instant.parse("2026-11-28T00:57:09Z");
  static final String XML = Fixtures.h100("nvidia-smi-q.xml");

  @Test
  void readsTheRealH100() {
    Parsed<NodeSnapshot> parsed = SmiXmlParser.parse(XML, NOW);

    assertThat(parsed.unparsed()).as(parsed.problems().toString()).isZero();
    NodeSnapshot node = parsed.value().orElseThrow();
    assertThat(node.driverVersion()).isEqualTo("580.159.04");
    assertThat(node.cudaVersion()).isEqualTo("13.0");
    assertThat(node.gpus()).hasSize(1);
    GpuSample gpu = node.gpus().getFirst();
    assertThat(gpu.identity().index()).isZero();
    assertThat(gpu.uuid()).isEqualTo("GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94");
    assertThat(gpu.identity().name()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(gpu.identity().pci()).isEqualTo(PciAddress.of("0000:00:06.0"));
    assertThat(gpu.memory()).isEqualTo(new MemoryUsage(81559, 0, 81079));
    assertThat(gpu.utilisation()).isEqualTo(new Utilisation(0, 0));
    assertThat(gpu.temperatureCelsius()).isEqualTo(37);
    assertThat(gpu.powerWatts()).isEqualTo(71.73);
    assertThat(gpu.clockEventReasons())
        .isEqualTo(new ClockEventReasons(ClockEventReasons.GPU_IDLE));
    assertThat(gpu.clockEventReasons().names()).containsExactly("gpu_idle");
    assertThat(gpu.ecc()).isEqualTo(EccCounts.ZERO);
    assertThat(gpu.remappedRows()).isEqualTo(RemappedRows.NONE);
    assertThat(gpu.retiredPagesPending()).isNull(); // N/A on Hopper: it remaps rows instead
    assertThat(gpu.migMode()).isEqualTo(MigMode.DISABLED);
  }

  @Test
  void acceptsTheOlderThrottleReasonNames() {
    String old =
        XML.replace("clocks_event_reason", "clocks_throttle_reason")
            .replace(
                "<clocks_throttle_reason_hw_thermal_slowdown>Not Active",
                "<clocks_throttle_reason_hw_thermal_slowdown>Active");
    assertThat(old).contains("<clocks_throttle_reasons>").doesNotContain("clocks_event_reason");

    GpuSample gpu = SmiXmlParser.parse(old, NOW).value().orElseThrow().gpus().getFirst();

    assertThat(gpu.clockEventReasons().bits())
        .isEqualTo(ClockEventReasons.GPU_IDLE | ClockEventReasons.HW_THERMAL_SLOWDOWN);
    assertThat(gpu.clockEventReasons().thermalSlowdown()).isTrue();
  }

  @Test
  void faultValuesComeThroughFromTheSameShape() {
    String faulty =
        XML.replace(
                "<dram_uncorrectable>0</dram_uncorrectable>\n\t\t\t</volatile>",
                "<dram_uncorrectable>2</dram_uncorrectable>\n\t\t\t</volatile>")
            .replace(
                "<remapped_row_unc>0</remapped_row_unc>", "<remapped_row_unc>3</remapped_row_unc>")
            .replace(
                "<remapped_row_pending>No</remapped_row_pending>",
                "<remapped_row_pending>Yes</remapped_row_pending>");

    GpuSample gpu = SmiXmlParser.parse(faulty, NOW).value().orElseThrow().gpus().getFirst();

    assertThat(gpu.ecc().volatileUncorrected()).isEqualTo(2);
    assertThat(gpu.ecc().aggregateUncorrected()).isZero();
    assertThat(gpu.remappedRows()).isEqualTo(new RemappedRows(0, 3, true, false));
  }

  @Test
  void truncatedXmlIsOneProblemNotAnException() {
    Parsed<NodeSnapshot> parsed = SmiXmlParser.parse(XML.substring(0, XML.length() / 2), NOW);
    assertThat(parsed.value()).isEmpty();
    assertThat(parsed.unparsed()).isEqualTo(1);
  }

  @Test
  void absurdValuesAreDroppedAndCounted() {
    String absurd =
        XML.replace("<gpu_temp>37 C</gpu_temp>", "<gpu_temp>4294967295 C</gpu_temp>")
            .replace("<gpu_util>0 %</gpu_util>", "<gpu_util>banana</gpu_util>");
    Parsed<NodeSnapshot> parsed = SmiXmlParser.parse(absurd, NOW);
    GpuSample gpu = parsed.value().orElseThrow().gpus().getFirst();
    assertThat(gpu.temperatureCelsius()).isNull();
    assertThat(gpu.utilisation()).isNull();
    assertThat(parsed.unparsed()).isEqualTo(2);
  }

  @Test
  void neverReadsExternalEntities() {
    String xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE nvidia_smi_log [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <nvidia_smi_log><driver_version>&x;</driver_version></nvidia_smi_log>""";
    Parsed<NodeSnapshot> parsed = SmiXmlParser.parse(xxe, NOW);
    parsed.value().ifPresent(n -> assertThat(n.driverVersion()).doesNotContain("root"));
  }

  @Test
  void somethingElseEntirelyIsNotAnNvidiaSmiLog() {
    assertThat(SmiXmlParser.parse("<html><body/></html>", NOW).value()).isEmpty();
  }
}

package dev.bosun.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.MemoryUsage;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.model.RemappedRows;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NvmlTest {

  static final long MIB = 1024 * 1024;

  /** What the real H100 returned through NVML (nvml-probe.json, memory from nvidia-smi). */
  static NvmlDeviceReadings h100() {
    return new NvmlDeviceReadings(
        0,
        Reading.ok("GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94"),
        Reading.ok("NVIDIA H100 80GB HBM3"),
        Reading.ok("00000000:00:06.0"),
        Reading.ok(new long[] {81559 * MIB, 81079 * MIB, 0}),
        Reading.ok(new long[] {0, 0}),
        Reading.ok(37L),
        Reading.ok(70547L),
        Reading.ok(1L),
        Reading.ok(new long[] {0, 0, 0, 0}),
        Reading.ok(new long[] {0, 0, 0, 0}),
        Reading.ok(new long[] {0, 0}));
  }

  @Test
  void withoutTheLibraryNvmlSaysSoPlainly() {
    Nvml.Opening opening = Nvml.open("libnvidia-ml-that-does-not-exist.so.1");
    assertThat(opening)
        .isInstanceOfSatisfying(
            Nvml.Unavailable.class,
            u -> {
              assertThat(u.reason())
                  .isEqualTo(
                      "libnvidia-ml-that-does-not-exist.so.1 not found: no NVIDIA driver on this "
                          + "machine, or the library is not on the loader path");
              assertThat(u.status()).isEqualTo(NvmlReturn.LIBRARY_NOT_FOUND);
            });
  }

  @Test
  void onThisMachineTheRealLibraryIsEitherThereOrReportedMissing() {
    boolean driverInstalled = Files.exists(Path.of("/proc/driver/nvidia/version"));
    assumeFalse(driverInstalled, "a GPU machine: covered by gpu/validate-on-gpu.sh");
    assertThat(Nvml.open()).isInstanceOf(Nvml.Unavailable.class);
  }

  @Test
  void aLibraryThatIsNotNvmlFailsInitNotTheJvm() {
    // libc has no nvmlInit_v2: the call reads as FUNCTION_NOT_FOUND
    Nvml.Opening opening = Nvml.open("libc.so.6");
    assertThat(opening)
        .isInstanceOfSatisfying(
            Nvml.Unavailable.class,
            u -> assertThat(u.reason()).isEqualTo("nvmlInit_v2 failed: FUNCTION_NOT_FOUND"));
  }

  @Test
  void realReadingsMapToTheModel() {
    Parsed<GpuSample> parsed = NvmlMapping.toSample(h100());
    assertThat(parsed.unparsed()).isZero();
    GpuSample g = parsed.value().orElseThrow();
    assertThat(g.identity().pci()).isEqualTo(PciAddress.of("0000:00:06.0"));
    assertThat(g.memory()).isEqualTo(new MemoryUsage(81559, 0, 81079));
    assertThat(g.powerWatts()).isEqualTo(70.547);
    assertThat(g.temperatureCelsius()).isEqualTo(37);
    assertThat(g.clockEventReasons().names()).containsExactly("gpu_idle");
    assertThat(g.remappedRows()).isEqualTo(RemappedRows.NONE);
    assertThat(g.migMode()).isEqualTo(MigMode.DISABLED);
  }

  @Test
  void absurdValuesAreDroppedAndCounted() {
    NvmlDeviceReadings r = h100();
    NvmlDeviceReadings absurd =
        new NvmlDeviceReadings(
            0,
            r.uuid(),
            r.name(),
            Reading.ok("zz:zz"),
            Reading.ok(new long[] {MIB, 0, 80_000 * MIB}),
            Reading.ok(new long[] {4294967295L, 0}),
            Reading.ok(4294967295L),
            Reading.ok(-1L),
            r.clockEventReasons(),
            Reading.ok(new long[] {-1, 0, 0, 0}),
            Reading.ok(new long[] {0, 0, 7, 0}),
            r.migMode());
    Parsed<GpuSample> parsed = NvmlMapping.toSample(absurd);
    GpuSample g = parsed.value().orElseThrow();
    assertThat(g.utilisation()).isNull();
    assertThat(g.temperatureCelsius()).isNull();
    assertThat(g.powerWatts()).isNull();
    assertThat(g.ecc()).isNull();
    assertThat(g.remappedRows()).isNull();
    assertThat(g.identity().pci()).isNull();
    assertThat(g.memory()).isNull();
    assertThat(parsed.unparsed())
        .isEqualTo(7); // pci, memory (used > total), util, temperature, power, ecc, row flags
  }

  @Test
  void notSupportedFieldsAreAbsentNotErrors() {
    NvmlDeviceReadings r = h100();
    NvmlDeviceReadings partial =
        new NvmlDeviceReadings(
            0,
            r.uuid(),
            r.name(),
            r.pciBusId(),
            r.memoryBytes(),
            r.utilisation(),
            r.temperatureCelsius(),
            r.powerMilliwatts(),
            r.clockEventReasons(),
            Reading.failed(NvmlReturn.NOT_SUPPORTED),
            Reading.failed(NvmlReturn.NOT_SUPPORTED),
            Reading.failed(NvmlReturn.NOT_SUPPORTED));
    Parsed<GpuSample> parsed = NvmlMapping.toSample(partial);
    assertThat(parsed.unparsed()).isZero();
    assertThat(parsed.value().orElseThrow().ecc()).isNull();
    assertThat(parsed.value().orElseThrow().migMode()).isEqualTo(MigMode.NOT_SUPPORTED);
  }

  @Test
  void aDeviceWithoutUuidIsNotASample() {
    NvmlDeviceReadings r = h100();
    NvmlDeviceReadings lost =
        new NvmlDeviceReadings(
            0,
            Reading.failed(NvmlReturn.GPU_IS_LOST),
            r.name(),
            r.pciBusId(),
            r.memoryBytes(),
            r.utilisation(),
            r.temperatureCelsius(),
            r.powerMilliwatts(),
            r.clockEventReasons(),
            r.ecc(),
            r.remappedRows(),
            r.migMode());
    Parsed<GpuSample> parsed = NvmlMapping.toSample(lost);
    assertThat(parsed.value()).isEmpty();
    assertThat(parsed.problems()).singleElement().asString().contains("GPU_IS_LOST");
  }
}

package dev.bosun.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.HangGuard;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.MemoryUsage;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.RemappedRows;
import dev.bosun.gpu.model.Utilisation;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever NVML hands back, the mapping neither throws nor lets an impossible value through, and
 * every possible one is kept.
 */
class NvmlProperties {

  @Property(tries = 2000)
  void absurdReadingsNeverThrowAndNeverPassAsValues(
      @ForAll String uuid,
      @ForAll String name,
      @ForAll String pci,
      @ForAll @Size(3) long[] memory,
      @ForAll @Size(2) long[] util,
      @ForAll long temp,
      @ForAll long milliwatts,
      @ForAll long reasons,
      @ForAll @Size(4) long[] ecc,
      @ForAll @Size(4) long[] rows,
      @ForAll @Size(2) long[] mig,
      @ForAll boolean realIdentity) {
    NvmlDeviceReadings r =
        new NvmlDeviceReadings(
            0,
            Reading.ok(realIdentity ? "GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94" : uuid),
            Reading.ok(realIdentity ? "NVIDIA H100 80GB HBM3" : name),
            Reading.ok(pci),
            Reading.ok(memory),
            Reading.ok(util),
            Reading.ok(temp),
            Reading.ok(milliwatts),
            Reading.ok(reasons),
            Reading.ok(ecc),
            Reading.ok(rows),
            Reading.ok(mig));
    Parsed<GpuSample> parsed = HangGuard.finishes(() -> NvmlMapping.toSample(r));
    parsed
        .value()
        .ifPresent(
            g -> {
              if (g.utilisation() != null)
                assertThat(g.utilisation().gpuPercent()).isBetween(0, 100);
              else if (util[0] >= 0 && util[0] <= 100 && util[1] >= 0 && util[1] <= 100)
                throw new AssertionError("plausible util dropped");
              if (g.temperatureCelsius() != null)
                assertThat(g.temperatureCelsius()).isBetween(-60, 250);
              else assertThat(parsed.unparsed()).isPositive();
              if (g.powerWatts() != null) assertThat(g.powerWatts()).isBetween(0.0, 20_000.0);
              if (g.memory() != null)
                assertThat(g.memory().usedMiB()).isLessThanOrEqualTo(g.memory().totalMiB());
              if (g.ecc() != null) assertThat(g.ecc().volatileUncorrected()).isNotNegative();
            });
    if (parsed.value().isEmpty()) assertThat(parsed.unparsed()).isEqualTo(1);
  }

  @Property(tries = 1000)
  void plausibleReadingsAreAllKeptAndNoneCounted(
      @ForAll @LongRange(min = 1, max = 1L << 26) long totalMiB,
      @ForAll @LongRange(min = 0, max = 1L << 26) long usedMiB,
      @ForAll @Size(2) List<@LongRange(min = 0, max = 100) Long> utilPercent,
      @ForAll @LongRange(min = -60, max = 250) long temp,
      @ForAll @LongRange(min = 0, max = 20_000_000) long milliwatts,
      @ForAll @Size(4) List<@LongRange(min = 0, max = 1L << 48) Long> eccCounts,
      @ForAll @Size(2) List<@LongRange(min = 0, max = 1L << 48) Long> remapped,
      @ForAll boolean pending,
      @ForAll boolean failure) {
    long used = Math.min(usedMiB, totalMiB);
    long[] util = utilPercent.stream().mapToLong(Long::longValue).toArray();
    long[] ecc = eccCounts.stream().mapToLong(Long::longValue).toArray();
    long[] rowCounts = remapped.stream().mapToLong(Long::longValue).toArray();
    long mib = 1024L * 1024L;
    NvmlDeviceReadings r =
        new NvmlDeviceReadings(
            0,
            Reading.ok("GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94"),
            Reading.ok("NVIDIA H100 80GB HBM3"),
            Reading.ok("00000000:00:06.0"),
            Reading.ok(new long[] {totalMiB * mib, (totalMiB - used) * mib, used * mib}),
            Reading.ok(util),
            Reading.ok(temp),
            Reading.ok(milliwatts),
            Reading.ok(0L),
            Reading.ok(ecc),
            Reading.ok(new long[] {rowCounts[0], rowCounts[1], pending ? 1 : 0, failure ? 1 : 0}),
            Reading.ok(new long[] {0, 0}));

    Parsed<GpuSample> parsed = HangGuard.finishes(() -> NvmlMapping.toSample(r));

    assertThat(parsed.unparsed()).as(parsed.problems().toString()).isZero();
    GpuSample g = parsed.value().orElseThrow();
    assertThat(g.memory()).isEqualTo(new MemoryUsage(totalMiB, used, totalMiB - used));
    assertThat(g.utilisation()).isEqualTo(new Utilisation((int) util[0], (int) util[1]));
    assertThat(g.temperatureCelsius()).isEqualTo((int) temp);
    assertThat(g.powerWatts()).isEqualTo(milliwatts / 1000.0);
    assertThat(g.ecc()).isEqualTo(new EccCounts(ecc[0], ecc[1], ecc[2], ecc[3]));
    assertThat(g.remappedRows())
        .isEqualTo(new RemappedRows(rowCounts[0], rowCounts[1], pending, failure));
  }
}

package dev.bosun.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.Parsed;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Whatever NVML hands back, the mapping neither throws nor lets an impossible value through. */
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
    Parsed<GpuSample> parsed = NvmlMapping.toSample(r);
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
}

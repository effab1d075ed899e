package dev.bosun.gpu.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles a {@link GpuSample} from raw readings of any source, dropping values no GPU can have
 * (utilisation over 100 %, used memory beyond the total, a temperature of 4 billion °C from an
 * uninitialised NVML buffer) and counting them. Shared by every source so they agree on what is
 * plausible.
 */
public final class GpuSampleBuilder {

  /** Beyond these a reading is garbage, not a hot or hungry GPU. */
  static final int MIN_CELSIUS = -60;

  static final int MAX_CELSIUS = 250;
  static final double MAX_WATTS = 20_000;
  static final long MAX_MEMORY_MIB = 64L * 1024 * 1024; // 64 TiB
  static final long MAX_COUNT = 1L << 48;

  private final GpuIdentity identity;
  private MemoryUsage memory;
  private Utilisation utilisation;
  private Integer temperature;
  private Double power;
  private ClockEventReasons reasons;
  private EccCounts ecc;
  private RemappedRows rows;
  private Boolean retiredPending;
  private MigMode mig;
  private final List<String> rejected = new ArrayList<>();

  public GpuSampleBuilder(GpuIdentity identity) {
    this.identity = identity;
  }

  public GpuSampleBuilder memoryMiB(Long total, Long used, Long free) {
    if (total == null || used == null) return this;
    long f = free != null ? free : total - used;
    if (total > MAX_MEMORY_MIB || !MemoryUsage.plausible(total, used, f)) {
      rejected.add("memory total=%s used=%s free=%s".formatted(total, used, free));
    } else {
      memory = new MemoryUsage(total, used, f);
    }
    return this;
  }

  public GpuSampleBuilder utilisation(Long gpuPercent, Long memoryPercent) {
    if (gpuPercent == null) return this;
    long mem = memoryPercent == null ? 0 : memoryPercent;
    if (!Utilisation.plausible(gpuPercent) || !Utilisation.plausible(mem)) {
      rejected.add("utilisation gpu=%s memory=%s".formatted(gpuPercent, memoryPercent));
    } else {
      utilisation = new Utilisation(gpuPercent.intValue(), (int) mem);
    }
    return this;
  }

  public GpuSampleBuilder temperatureCelsius(Long celsius) {
    if (celsius == null) return this;
    if (celsius < MIN_CELSIUS || celsius > MAX_CELSIUS) rejected.add("temperature " + celsius);
    else temperature = celsius.intValue();
    return this;
  }

  public GpuSampleBuilder powerWatts(Double watts) {
    if (watts == null) return this;
    if (!Double.isFinite(watts) || watts < 0 || watts > MAX_WATTS) rejected.add("power " + watts);
    else power = watts;
    return this;
  }

  public GpuSampleBuilder clockEventReasons(Long bits) {
    if (bits != null) reasons = new ClockEventReasons(bits);
    return this;
  }

  public GpuSampleBuilder ecc(
      Long volatileCorrected,
      Long volatileUncorrected,
      Long aggregateCorrected,
      Long aggregateUncorrected) {
    if (volatileCorrected == null
        && volatileUncorrected == null
        && aggregateCorrected == null
        && aggregateUncorrected == null) return this;
    long[] v = {
      orZero(volatileCorrected),
      orZero(volatileUncorrected),
      orZero(aggregateCorrected),
      orZero(aggregateUncorrected)
    };
    for (long x : v) {
      if (x < 0 || x > MAX_COUNT) {
        rejected.add(
            "ECC counts %s/%s/%s/%s"
                .formatted(
                    volatileCorrected,
                    volatileUncorrected,
                    aggregateCorrected,
                    aggregateUncorrected));
        return this;
      }
    }
    ecc = new EccCounts(v[0], v[1], v[2], v[3]);
    return this;
  }

  public GpuSampleBuilder remappedRows(
      Long correctable, Long uncorrectable, Boolean pending, Boolean failure) {
    if (correctable == null && uncorrectable == null && pending == null && failure == null)
      return this;
    long c = orZero(correctable);
    long u = orZero(uncorrectable);
    if (c < 0 || u < 0 || c > MAX_COUNT || u > MAX_COUNT) {
      rejected.add("remapped rows %s/%s".formatted(correctable, uncorrectable));
    } else {
      rows = new RemappedRows(c, u, Boolean.TRUE.equals(pending), Boolean.TRUE.equals(failure));
    }
    return this;
  }

  public GpuSampleBuilder retiredPagesPending(Boolean pending) {
    retiredPending = pending;
    return this;
  }

  public GpuSampleBuilder migMode(MigMode mode) {
    mig = mode;
    return this;
  }

  public List<String> rejected() {
    return List.copyOf(rejected);
  }

  public GpuSample build() {
    return new GpuSample(
        identity, memory, utilisation, temperature, power, reasons, ecc, rows, retiredPending, mig);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}

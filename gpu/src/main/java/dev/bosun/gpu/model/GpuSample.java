package dev.bosun.gpu.model;

import java.util.Objects;

/**
 * One GPU as one source saw it at one moment. Every field except {@code identity} may be {@code
 * null}: the source did not report it (nvidia-smi's {@code [N/A]}, an NVML call that returned
 * NOT_SUPPORTED, or a value so absurd it was discarded and counted).
 */
public record GpuSample(
    GpuIdentity identity,
    MemoryUsage memory,
    Utilisation utilisation,
    Integer temperatureCelsius,
    Double powerWatts,
    ClockEventReasons clockEventReasons,
    EccCounts ecc,
    RemappedRows remappedRows,
    Boolean retiredPagesPending,
    MigMode migMode) {

  public GpuSample {
    Objects.requireNonNull(identity, "identity");
  }

  public String uuid() {
    return identity.uuid();
  }

  public GpuSample withClockEventReasons(ClockEventReasons reasons) {
    return new GpuSample(
        identity,
        memory,
        utilisation,
        temperatureCelsius,
        powerWatts,
        reasons,
        ecc,
        remappedRows,
        retiredPagesPending,
        migMode);
  }

  public GpuSample withEcc(EccCounts counts) {
    return new GpuSample(
        identity,
        memory,
        utilisation,
        temperatureCelsius,
        powerWatts,
        clockEventReasons,
        counts,
        remappedRows,
        retiredPagesPending,
        migMode);
  }

  public GpuSample withRemappedRows(RemappedRows rows) {
    return new GpuSample(
        identity,
        memory,
        utilisation,
        temperatureCelsius,
        powerWatts,
        clockEventReasons,
        ecc,
        rows,
        retiredPagesPending,
        migMode);
  }

  public GpuSample withTemperature(Integer celsius) {
    return new GpuSample(
        identity,
        memory,
        utilisation,
        celsius,
        powerWatts,
        clockEventReasons,
        ecc,
        remappedRows,
        retiredPagesPending,
        migMode);
  }
}

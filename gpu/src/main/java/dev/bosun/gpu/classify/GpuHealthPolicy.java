package dev.bosun.gpu.classify;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The knobs a platform team turns (the node-side half of the {@code GpuHealthPolicy} resource).
 *
 * @param xidOverrides code to class; final, it beats the catalog and every context rule
 * @param repeatingCodes application Xids that point at hardware when they repeat (13, 31)
 * @param repeatThreshold occurrences on one GPU (and SM location, when the line gives one) within
 *     {@code repeatWindow} that escalate to {@link FaultClass#GPU}
 * @param companionWindow how close 48 and 63/64 (or 45 and another Xid) must be to belong together
 * @param cleanSamplesToRecover consecutive clean samples before a GPU is healthy again
 * @param quietPeriod time without a fault before an unhealthy GPU is healthy again
 * @param flapWindow failures within this window lengthen the quiet period (doubling, up to 8x)
 */
public record GpuHealthPolicy(
    Map<Integer, FaultClass> xidOverrides,
    Set<Integer> repeatingCodes,
    int repeatThreshold,
    Duration repeatWindow,
    Duration companionWindow,
    int cleanSamplesToRecover,
    Duration quietPeriod,
    Duration flapWindow) {

  public GpuHealthPolicy {
    xidOverrides = Map.copyOf(xidOverrides);
    repeatingCodes = Set.copyOf(repeatingCodes);
    if (repeatThreshold < 2)
      throw new IllegalArgumentException("repeatThreshold must be at least 2");
    if (cleanSamplesToRecover < 1)
      throw new IllegalArgumentException("cleanSamplesToRecover must be at least 1");
  }

  public static GpuHealthPolicy defaults() {
    return new GpuHealthPolicy(
        Map.of(),
        Set.of(13, 31),
        3,
        Duration.ofMinutes(10),
        Duration.ofMinutes(5),
        3,
        Duration.ofMinutes(5),
        Duration.ofHours(1));
  }

  public GpuHealthPolicy withXidOverrides(Map<Integer, FaultClass> overrides) {
    return new GpuHealthPolicy(
        overrides,
        repeatingCodes,
        repeatThreshold,
        repeatWindow,
        companionWindow,
        cleanSamplesToRecover,
        quietPeriod,
        flapWindow);
  }

  public GpuHealthPolicy withRecovery(int cleanSamples, Duration quiet) {
    return new GpuHealthPolicy(
        xidOverrides,
        repeatingCodes,
        repeatThreshold,
        repeatWindow,
        companionWindow,
        cleanSamples,
        quiet,
        flapWindow);
  }
}

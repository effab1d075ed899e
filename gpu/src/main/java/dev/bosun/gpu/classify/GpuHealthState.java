package dev.bosun.gpu.classify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where one GPU's health stands, with what the hysteresis needs.
 *
 * @param since when {@code health} last changed
 * @param lastBadAt the last finding that made the GPU unhealthy, {@code null} if none yet
 * @param cleanSamples consecutive samples without a finding that counts against the current state
 * @param recentFailures times the GPU entered UNHEALTHY within the policy's flap window
 * @param quietRequired how long without a bad finding this unhealthy spell needs (fixed when it
 *     began)
 * @param reason the finding behind the current state ("" when healthy)
 */
public record GpuHealthState(
    GpuHealth health,
    Instant since,
    Instant lastBadAt,
    int cleanSamples,
    List<Instant> recentFailures,
    Duration quietRequired,
    String reason) {
  public GpuHealthState {
    recentFailures = List.copyOf(recentFailures);
  }

  public static GpuHealthState healthy(Instant now) {
    return new GpuHealthState(GpuHealth.HEALTHY, now, null, 0, List.of(), Duration.ZERO, "");
  }
}

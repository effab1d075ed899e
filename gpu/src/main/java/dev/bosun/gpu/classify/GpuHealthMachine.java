package dev.bosun.gpu.classify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-GPU health with hysteresis: quick to go bad, slow to come back, slower each time it flaps.
 * One bad finding makes a GPU UNHEALTHY at once; it is HEALTHY again only after {@code
 * cleanSamplesToRecover} clean samples <em>and</em> a quiet period with no bad finding. The quiet
 * period doubles (up to 8x) for every earlier failure within the flap window, and is fixed when the
 * unhealthy spell begins. So a GPU that fails every few minutes stays out longer each time rather
 * than flapping its node in and out.
 */
public final class GpuHealthMachine {

  private static final int MAX_BACKOFF_DOUBLINGS = 3;
  private static final int CLEAN_SAMPLES_CAP = 1_000_000;

  private GpuHealthMachine() {}

  /** The next state, given everything found about this GPU since the last sample. */
  public static GpuHealthState next(
      GpuHealthState state, List<Finding> findings, Instant now, GpuHealthPolicy policy) {
    Finding worst =
        findings.stream()
            .filter(
                f ->
                    f.faultClass() != FaultClass.IGNORE && f.faultClass() != FaultClass.APPLICATION)
            .max(Comparator.comparing(Finding::faultClass))
            .orElse(null);

    if (worst != null && worst.faultClass().breaksTheGpu()) {
      if (state.health() == GpuHealth.UNHEALTHY) {
        return new GpuHealthState(
            GpuHealth.UNHEALTHY,
            state.since(),
            now,
            0,
            state.recentFailures(),
            state.quietRequired(),
            worst.detail());
      }
      List<Instant> failures = new ArrayList<>();
      for (Instant t : state.recentFailures())
        if (!t.isBefore(now.minus(policy.flapWindow()))) failures.add(t);
      failures.add(now);
      return new GpuHealthState(
          GpuHealth.UNHEALTHY,
          now,
          now,
          0,
          failures,
          quietPeriod(policy, failures.size()),
          worst.detail());
    }
    boolean degradedNow = worst != null; // only DEGRADED is left
    int clean = Math.min(state.cleanSamples() + 1, CLEAN_SAMPLES_CAP);
    return switch (state.health()) {
      case UNHEALTHY -> {
        boolean recovered =
            clean >= policy.cleanSamplesToRecover()
                && !now.isBefore(state.lastBadAt().plus(state.quietRequired()));
        if (!recovered) yield with(state, state.health(), state.since(), clean, state.reason());
        yield degradedNow
            ? with(state, GpuHealth.DEGRADED, now, 0, worst.detail())
            : with(state, GpuHealth.HEALTHY, now, 0, "");
      }
      case DEGRADED -> {
        if (degradedNow) yield with(state, GpuHealth.DEGRADED, state.since(), 0, worst.detail());
        yield clean >= policy.cleanSamplesToRecover()
            ? with(state, GpuHealth.HEALTHY, now, 0, "")
            : with(state, GpuHealth.DEGRADED, state.since(), clean, state.reason());
      }
      case HEALTHY ->
          degradedNow
              ? with(state, GpuHealth.DEGRADED, now, 0, worst.detail())
              : with(state, GpuHealth.HEALTHY, state.since(), clean, "");
    };
  }

  /**
   * A GPU's state rebuilt from what an earlier run of the agent published, so that recovery goes on
   * as if the agent had not stopped: the quiet period counts from the last fault, and failures
   * within the flap window still lengthen it. The faults are replayed as {@link #next} would have
   * seen them (a fault while the spell's quiet period runs prolongs the spell; a later one starts a
   * new spell); an unhealthy spell began with a bad finding at {@code since}, so that counts as one
   * even when the published list no longer holds it. Clean samples are not published, so their
   * count starts at zero: the GPU needs them afresh.
   *
   * @param breakingFaults when the faults that break a GPU were found on it (its own and the
   *     node's), in any order
   */
  public static GpuHealthState resumed(
      GpuHealth health,
      Instant since,
      String reason,
      List<Instant> breakingFaults,
      GpuHealthPolicy policy) {
    List<Instant> times = new ArrayList<>(breakingFaults);
    if (health == GpuHealth.UNHEALTHY) times.add(since);
    Instant lastBad = null;
    Duration quiet = Duration.ZERO;
    List<Instant> failures = new ArrayList<>();
    for (Instant t : times.stream().sorted().distinct().toList()) {
      boolean sameSpell = lastBad != null && t.isBefore(lastBad.plus(quiet));
      if (!sameSpell) {
        failures.removeIf(f -> f.isBefore(t.minus(policy.flapWindow())));
        failures.add(t);
        quiet = quietPeriod(policy, failures.size());
      }
      lastBad = t;
    }
    return new GpuHealthState(
        health, since, lastBad, 0, failures, quiet, health == GpuHealth.HEALTHY ? "" : reason);
  }

  private static GpuHealthState with(
      GpuHealthState s, GpuHealth health, Instant since, int clean, String reason) {
    return new GpuHealthState(
        health, since, s.lastBadAt(), clean, s.recentFailures(), s.quietRequired(), reason);
  }

  /** The quiet period after the n-th failure within the flap window: base * 2^(n-1), capped. */
  static Duration quietPeriod(GpuHealthPolicy policy, int failuresInWindow) {
    int doublings = Math.min(Math.max(failuresInWindow - 1, 0), MAX_BACKOFF_DOUBLINGS);
    return policy.quietPeriod().multipliedBy(1L << doublings);
  }
}

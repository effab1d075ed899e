package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.GpuUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The GPU-hours ledger of a DeploymentAgentPolicy, accrued: each Workload's GPUs now, charged from
 * the latest of its creation, the ledger's last accrual and midnight UTC, until now; a new day
 * starts from zero.
 *
 * <p>What it cannot see it does not charge: a Workload deleted between two accruals is charged up
 * to the first, and a scale-up between two accruals counts from the second. The server accrues on
 * every decision about a GPU deploy, so the ledger is exact for what the agents hold when they ask
 * for more, which is when it matters.
 */
public final class GpuLedger {
  private GpuLedger() {}

  /** A Workload's GPUs now, and since when it exists. */
  public record Held(int gpus, Instant since) {}

  /**
   * @param previous the ledger as stored, or null before the first accrual
   * @param running the agents' Workloads and the GPUs each runs now
   * @param reservedNow the GPUs they hold at their most replicas, for the status
   */
  public static GpuUsage accrue(
      GpuUsage previous, List<Held> running, int reservedNow, Instant at) {
    // Whole seconds, as the ledger stores them, so that no fraction is charged twice.
    Instant now = at.truncatedTo(ChronoUnit.SECONDS);
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant midnight = today.atStartOfDay(ZoneOffset.UTC).toInstant();
    boolean sameDay = previous != null && today.toString().equals(previous.day());
    long seconds = sameDay ? previous.gpuSeconds() : 0;
    Instant last =
        previous == null ? midnight : later(midnight, Instant.parse(previous.accruedAt()));
    for (Held held : running) {
      Instant from = later(last, held.since());
      if (now.isAfter(from)) {
        seconds += held.gpus() * Duration.between(from, now).toSeconds();
      }
    }
    Instant accruedAt = later(now, last);
    return new GpuUsage(today.toString(), seconds, accruedAt.toString(), reservedNow);
  }

  /** The ledger's GPU-seconds for the day of {@code now}: none when it counts an earlier day. */
  public static long secondsToday(GpuUsage usage, Instant now) {
    return usage != null && LocalDate.ofInstant(now, ZoneOffset.UTC).toString().equals(usage.day())
        ? usage.gpuSeconds()
        : 0;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}

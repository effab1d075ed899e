package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.GpuUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPU-hours ledger: what it charges, from when, and when the day starts again. */
class GpuLedgerTest {
  private static final Instant NINE = Instant.parse("2026-12-02T09:00:00Z");
  private static final Instant TEN = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void theFirstAccrualChargesEachWorkloadFromItsCreationToday() {
    var usage =
        GpuLedger.accrue(
            null,
            List.of(
                new GpuLedger.Held(4, NINE),
                new GpuLedger.Held(2, Instant.parse("2026-12-01T20:00:00Z"))),
            6,
            TEN);
    // 4 GPUs for 1 h, 2 GPUs since midnight (10 h).
    assertThat(usage)
        .isEqualTo(new GpuUsage("2026-12-02", 4 * 3600L + 2 * 10 * 3600L, TEN.toString(), 6));
  }

  @Test
  void laterAccrualsChargeOnlySinceTheLastOne() {
    var first = GpuLedger.accrue(null, List.of(new GpuLedger.Held(4, NINE)), 4, TEN);
    var second =
        GpuLedger.accrue(first, List.of(new GpuLedger.Held(4, NINE)), 4, TEN.plusSeconds(1800));
    assertThat(second.gpuSeconds()).isEqualTo(4 * 3600L + 4 * 1800L);
    assertThat(second.accruedAt()).isEqualTo("2026-12-02T10:30:00Z");
  }

  @Test
  void aNewDayStartsFromZeroAtMidnightUtc() {
    var yesterday = new GpuUsage("2026-12-01", 90_000L, "2026-12-01T23:00:00Z", 4);
    var usage =
        GpuLedger.accrue(
            yesterday,
            List.of(new GpuLedger.Held(4, Instant.parse("2026-12-01T08:00:00Z"))),
            4,
            Instant.parse("2026-12-02T00:15:00Z"));
    assertThat(usage.day()).isEqualTo("2026-12-02");
    assertThat(usage.gpuSeconds()).isEqualTo(4 * 900L);
    assertThat(GpuLedger.secondsToday(yesterday, TEN)).isZero();
  }

  @Test
  void aClockBehindTheLedgerChargesNothingAndKeepsItsTime() {
    var ahead = new GpuUsage("2026-12-02", 100L, TEN.toString(), 4);
    var usage =
        GpuLedger.accrue(ahead, List.of(new GpuLedger.Held(4, NINE)), 4, TEN.minusSeconds(60));
    assertThat(usage.gpuSeconds()).isEqualTo(100L);
    assertThat(usage.accruedAt()).isEqualTo(TEN.toString());
  }

  @Test
  void fractionsOfASecondAreNeverChargedTwice() {
    var first =
        GpuLedger.accrue(null, List.of(new GpuLedger.Held(1, NINE)), 1, NINE.plusMillis(1500));
    var second =
        GpuLedger.accrue(first, List.of(new GpuLedger.Held(1, NINE)), 1, NINE.plusMillis(2600));
    assertThat(second.gpuSeconds()).isEqualTo(2);
  }
}

package dev.bosun.operator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.v1alpha1.Durations;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SandboxTtlTest {
  @ParameterizedTest(name = "expires {1}, now {2}, by {3} -> ttl {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        // an expiry ahead moves by the amount
        "2026-12-01T10:00:00Z | 2026-12-01T12:00:00Z | 2026-12-01T11:00:00Z | PT1H  | PT3H",
        // no expiry yet: from now
        "2026-12-01T10:00:00Z |                      | 2026-12-01T11:30:00Z | PT1H  | PT2H30M",
        // an expiry already passed (retained): from now, not from the past
        "2026-12-01T10:00:00Z | 2026-12-01T10:30:00Z | 2026-12-01T11:00:00Z | PT10M | PT1H10M",
      })
  void theExpiryMovesByTheAmount(
      Instant start, Instant expiresAt, Instant now, Duration by, Duration ttl) {
    assertThat(SandboxTtl.extended(start, expiresAt, now, by)).isEqualTo(ttl);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "PT2H, 2h",
    "PT90M, 90m",
    "PT61S, 61s",
    "PT0.5S, 1s",
    "PT1000000S, 16667m",
    "PT70000H, 70000h"
  })
  void formatsInTheCoarsestExactUnit(Duration duration, String text) {
    assertThat(SandboxTtl.format(duration)).isEqualTo(text);
  }

  @Property
  void theTextIsAValidDurationNeverShorterAndAtMostAUnitLonger(
      @ForAll @LongRange(min = 1, max = 3_000_000_000L) long millis) {
    Duration duration = Duration.ofMillis(millis);

    Duration parsed = Durations.parse(SandboxTtl.format(duration));

    assertThat(parsed).isGreaterThanOrEqualTo(duration);
    assertThat(parsed.minus(duration)).isLessThanOrEqualTo(Duration.ofHours(1));
  }

  @ParameterizedTest
  @CsvSource({"PT0S", "PT-1S"})
  void aTtlMustBePositive(Duration duration) {
    assertThatThrownBy(() -> SandboxTtl.format(duration))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

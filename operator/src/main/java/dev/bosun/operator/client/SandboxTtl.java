package dev.bosun.operator.client;

import dev.bosun.api.v1alpha1.Patterns;
import java.time.Duration;
import java.time.Instant;

/**
 * The arithmetic of {@code bosun sandbox extend}: a sandbox's TTL counts from its start (creation,
 * or the moment a claim took it from a warm pool), so pushing its expiry back means a longer TTL.
 */
public final class SandboxTtl {
  /** The largest amount {@link Patterns#DURATION} takes in one unit. */
  private static final long MAX_AMOUNT = 999_999;

  private SandboxTtl() {}

  /**
   * The TTL that makes the sandbox expire {@code by} later than it does now, or {@code by} from now
   * when it has no expiry yet (or its expiry has passed and it was retained).
   */
  public static Duration extended(Instant start, Instant expiresAt, Instant now, Duration by) {
    Instant from = expiresAt == null || expiresAt.isBefore(now) ? now : expiresAt;
    return Duration.between(start, from.plus(by));
  }

  /**
   * A duration as the API takes it: whole hours or minutes where exact, else seconds rounded up, in
   * the coarsest unit that fits the schema's six digits.
   */
  public static String format(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a TTL must be positive, not " + duration);
    }
    long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0 && seconds / 60 <= MAX_AMOUNT) {
      return seconds / 60 + "m";
    }
    if (seconds <= MAX_AMOUNT) {
      return seconds + "s";
    }
    long minutes = (seconds + 59) / 60;
    return minutes <= MAX_AMOUNT ? minutes + "m" : (seconds + 3599) / 3600 + "h";
  }
}

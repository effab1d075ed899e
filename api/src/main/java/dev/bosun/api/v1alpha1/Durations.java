package dev.bosun.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Pattern;

/** The Java side of {@link Patterns#DURATION}: what the API server accepts, as a Duration. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile(Patterns.DURATION);

  private Durations() {}

  /** Parses a duration such as 90s, 10m or 1h; rejects what the schema rejects. */
  public static Duration parse(String text) {
    if (text == null || !DURATION.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' " + Patterns.DESCRIPTIONS.get(Patterns.DURATION));
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}

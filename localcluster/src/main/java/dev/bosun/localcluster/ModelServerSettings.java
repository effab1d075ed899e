package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Durations;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How every stand-in model server behaves: a replica serves {@code capacity} requests at once, each
 * for {@code serviceTime}, and queues at most {@code maxWaiting} more.
 */
public record ModelServerSettings(int capacity, Duration serviceTime, int maxWaiting) {

  public static final int MAX_CAPACITY = 1024;
  public static final Duration MAX_SERVICE_TIME = Duration.ofMinutes(1);
  public static final int MAX_WAITING = 10_000;

  /** What {@code bosun dev model-servers} uses unless told otherwise. */
  public static final ModelServerSettings DEFAULT =
      new ModelServerSettings(4, Duration.ofMillis(500), 100);

  public ModelServerSettings {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "--capacity: must be from 1 to " + MAX_CAPACITY + ", got " + capacity);
    }
    if (serviceTime.isNegative() || serviceTime.compareTo(MAX_SERVICE_TIME) > 0) {
      throw new IllegalArgumentException(
          "--service-time: must be from 0 to "
              + MAX_SERVICE_TIME.toSeconds()
              + "s, got "
              + serviceTime.toMillis()
              + "ms");
    }
    if (maxWaiting < 0 || maxWaiting > MAX_WAITING) {
      throw new IllegalArgumentException(
          "--max-waiting: must be from 0 to " + MAX_WAITING + ", got " + maxWaiting);
    }
  }

  private static final Pattern MILLIS = Pattern.compile("(0|[1-9][0-9]{0,5})ms");

  /**
   * A service time as {@code --service-time} takes it: milliseconds ({@code 250ms}, {@code 0ms}) or
   * what {@link Durations#parse} takes ({@code 2s}, {@code 1m}); anything else is an error naming
   * the flag.
   */
  public static Duration parseServiceTime(String text) {
    if (text != null && MILLIS.matcher(text).matches()) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--service-time: must be milliseconds such as 500ms, or seconds or minutes such as 2s or"
              + " 1m, got '"
              + text
              + "'",
          e);
    }
  }

  /** An idle server with these settings. */
  ModelServerLoad idle() {
    return ModelServerLoad.idle(capacity, maxWaiting);
  }
}

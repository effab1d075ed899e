package dev.bosun.localcluster;

import java.time.Duration;

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

  /** An idle server with these settings. */
  ModelServerLoad idle() {
    return ModelServerLoad.idle(capacity, maxWaiting);
  }
}

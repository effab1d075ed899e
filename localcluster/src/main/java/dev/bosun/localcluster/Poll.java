package dev.bosun.localcluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by asking it again and again: what the local cluster waits for (leases,
 * Ready nodes, a health endpoint) has no event to wait on. An exception from the condition ends the
 * wait at once.
 */
public final class Poll {

  private Poll() {}

  /** The condition was still false when the time was up; the message says what was awaited. */
  public static final class TimeoutException extends RuntimeException {
    TimeoutException(String message) {
      super(message);
    }
  }

  /**
   * Returns once {@code condition} is true, asking every {@code interval}.
   *
   * @throws TimeoutException when it is still false after {@code timeout}
   */
  public static void until(
      String awaited, Duration timeout, Duration interval, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new TimeoutException(
            awaited + " did not happen within " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + awaited, e);
      }
    }
  }
}

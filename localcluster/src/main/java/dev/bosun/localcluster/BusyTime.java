package dev.bosun.localcluster;

/**
 * How busy a stand-in model server's slots were over a window: the integral of the requests running
 * over time, as pure transitions on a monotonic clock (nanoseconds), for {@link ModelServer}, which
 * holds the current one under its lock. A real server's CPU time is such an integral, which the
 * kubelet reads as a counter; this is what the stand-in reports as its pod's CPU usage.
 *
 * @param windowStart when the window began
 * @param lastChange when {@code running} last changed
 * @param running the requests running since then
 * @param slotNanos slot-nanoseconds busy from {@code windowStart} to {@code lastChange}
 */
public record BusyTime(long windowStart, long lastChange, int running, double slotNanos) {

  public BusyTime {
    if (running < 0 || lastChange < windowStart || slotNanos < 0) {
      throw new IllegalArgumentException(
          "running, the time since the window began and the busy time must not be negative");
    }
  }

  /** A window that begins at {@code now} with {@code running} requests. */
  public static BusyTime startingAt(long now, int running) {
    return new BusyTime(now, now, running, 0);
  }

  /** The requests running change to {@code running} at {@code now}. */
  public BusyTime running(long now, int running) {
    return new BusyTime(windowStart, now, running, slotNanos + busySince(now));
  }

  /**
   * The mean share of {@code capacity} slots busy from the window's start to {@code now}, 0 to 1;
   * for an empty window, the share busy now.
   */
  public double fraction(long now, int capacity) {
    long window = now - windowStart;
    if (window <= 0) {
      return Math.min(1.0, (double) running / capacity);
    }
    return Math.min(1.0, (slotNanos + busySince(now)) / ((double) capacity * window));
  }

  private double busySince(long now) {
    return (double) running * Math.max(0, now - lastChange);
  }
}

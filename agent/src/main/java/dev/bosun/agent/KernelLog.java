package dev.bosun.agent;

import dev.bosun.gpu.kernel.DevKmsgSource;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import dev.bosun.gpu.kernel.KmsgFollower;
import dev.bosun.gpu.kernel.KmsgRecordSource;
import dev.bosun.gpu.model.PciAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The kernel log as the agent reads it: a {@link KmsgFollower} (resume after the saved sequence
 * number, so a restart neither repeats nor loses a fault) over one of two kinds of source.
 *
 * <ul>
 *   <li>Polled: a source that says {@code End} when it has nothing (a file, the simulated node).
 *       {@link #drain} reads what is there.
 *   <li>Blocking: {@code /dev/kmsg}, whose reads wait for the kernel. A daemon thread does only the
 *       reads and queues the records; the follower, its parser and its cursor are used on the
 *       caller's thread alone, so nothing in them needs a lock. {@code onRecord} tells the caller
 *       that records wait, so that a fault is classified at once, not at the next sample.
 * </ul>
 *
 * <p>The log never stops for good. When it cannot be opened or read, the source is closed and
 * opened again after a back-off (1 s, doubling to 60 s; the doubling starts over once a source has
 * stayed readable for 60 s). The outage ends at the first successful read, not at the open. The
 * follower lives on across reopening, so its cursor and the UUIDs it learned are kept: a reopened
 * source starts at the oldest record and the follower skips what it handled. The faults found
 * before a failure are handed out as usual. {@link #outage()} says what is wrong meanwhile.
 */
final class KernelLog implements AutoCloseable {

  /** Records held for the follower; when full (the agent stalled), more are counted as lost. */
  static final int QUEUE = 4096;

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofSeconds(60);

  /** Opens the source: the first time, and again after each failure. */
  @FunctionalInterface
  interface Opener {
    KmsgRecordSource open() throws IOException;
  }

  /**
   * The kernel log {@code log} cannot be read: since when, the last error, how many tries failed
   * and when the next one is.
   */
  record Outage(String log, Instant since, String error, int failures, Instant nextTry) {
    /** The same outage after one more failure at {@code at}. */
    Outage failedAgain(Instant at, String reason, Duration wait) {
      return new Outage(log, since, reason, failures + 1, at.plus(wait));
    }

    /** For people: the log line and /healthz. */
    String describe() {
      return "cannot read the kernel log %s since %s (%s; %d tries failed); next try at %s"
          .formatted(log, since, error, failures, nextTry);
    }
  }

  private final Opener opener;
  private final KmsgFollower follower;
  private final List<DriverFault> found = new ArrayList<>();
  private final String description;

  /** Only for a blocking source: the thread that reads it and queues for the follower. */
  private final ReaderThread reader;

  private KmsgRecordSource source; // null until opened, and during an outage
  private Instant openedAt;
  private boolean polledSinceOpen;
  private Outage outage;
  private int failuresInARow;

  private KernelLog(
      Opener opener,
      KmsgCursorStore cursor,
      String bootId,
      String description,
      ReaderThread reader) {
    this.opener = opener;
    this.description = description;
    this.reader = reader;
    KmsgRecordSource records =
        reader != null ? reader : new PolledRecords(); // what the follower reads, whatever is open
    this.follower = new KmsgFollower(records, cursor, bootId, found::add);
  }

  /** A source that ends when it has nothing; read on the caller's thread. */
  static KernelLog polled(
      Opener opener, KmsgCursorStore cursor, String bootId, String description) {
    return new KernelLog(opener, cursor, bootId, description, null);
  }

  /** A blocking source (/dev/kmsg), read on a daemon thread of its own. */
  static KernelLog blocking(
      Opener opener, KmsgCursorStore cursor, String bootId, String description, Runnable onRecord) {
    return new KernelLog(opener, cursor, bootId, description, new ReaderThread(onRecord));
  }

  /** A file of kmsg records, one a line, tailed ({@link FileRecordSource}). */
  static KernelLog file(Path file, KmsgCursorStore cursor) {
    return polled(
        () -> new FileRecordSource(file), cursor, "file:" + file.toAbsolutePath(), file.toString());
  }

  /** /dev/kmsg itself, with this boot's id. */
  static KernelLog devKmsg(Path device, KmsgCursorStore cursor, Runnable onRecord) {
    return blocking(
        () -> new DevKmsgSource(device),
        cursor,
        DevKmsgSource.currentBootId(),
        device.toString(),
        onRecord);
  }

  String description() {
    return description;
  }

  /**
   * Teaches the follower a GPU's UUID, from a snapshot, so kernel faults carry it from the first
   * one.
   */
  void knowUuid(PciAddress pci, String uuid) {
    follower.knowUuid(pci, uuid);
  }

  /**
   * Opens the source when it is time to, reads what is there and returns the faults found, oldest
   * first. Never throws: a failure closes the source and schedules the next try.
   */
  List<DriverFault> drain(Instant now) {
    if (source == null && (outage == null || !now.isBefore(outage.nextTry()))) open(now);
    if (source != null) {
      try {
        follower.pump(Long.MAX_VALUE);
        if (outage != null && readSinceOpen()) outage = null; // opening alone proves nothing
      } catch (IOException | RuntimeException e) {
        // A device that fails and a bug look alike from here; either way a fresh source, with the
        // cursor kept, is the way on.
        failed(now, e);
      }
    }
    List<DriverFault> out = List.copyOf(found);
    found.clear();
    return out;
  }

  /** Why the kernel log is not being read now; {@code null} while it is. */
  Outage outage() {
    return outage;
  }

  /**
   * Records the follower could not read, plus records lost to a full queue or a wrapped kernel
   * buffer.
   */
  long unparsed() {
    KmsgFollower.Progress p = follower.progress();
    return p.unparsed() + p.lost();
  }

  private void open(Instant now) {
    try {
      source = opener.open();
    } catch (IOException | RuntimeException e) {
      failed(now, e);
      return;
    }
    openedAt = now;
    polledSinceOpen = false;
    if (reader != null) reader.start(source, description);
  }

  private boolean readSinceOpen() {
    return reader != null ? reader.hasRead() : polledSinceOpen;
  }

  private void failed(Instant now, Exception e) {
    closeSource();
    if (openedAt != null && !now.isBefore(openedAt.plus(MAX_RETRY))) failuresInARow = 0;
    openedAt = null;
    failuresInARow++;
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Duration wait = backoff(failuresInARow);
    outage =
        outage == null
            ? new Outage(description, now, reason, 1, now.plus(wait))
            : outage.failedAgain(now, reason, wait);
  }

  /** 1 s after the first failure in a row, doubling up to {@link #MAX_RETRY}. */
  static Duration backoff(int failuresInARow) {
    int doublings = Math.min(failuresInARow - 1, 6); // 2^6 s is past the cap already
    Duration wait = FIRST_RETRY.multipliedBy(1L << doublings);
    return wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait;
  }

  private void closeSource() {
    if (source == null) return;
    if (reader != null) reader.stop();
    try {
      source.close();
    } catch (IOException | RuntimeException ignored) {
      // It failed already; what matters is that the next try opens a fresh one.
    }
    source = null;
  }

  @Override
  public void close() {
    try {
      follower.checkpoint();
    } finally {
      closeSource();
    }
  }

  /** The follower's view of a polled source: the one open now. */
  private final class PolledRecords implements KmsgRecordSource {
    @Override
    public Read next() throws IOException {
      Read read = source.next();
      polledSinceOpen = true;
      return read;
    }

    @Override
    public void close() {}
  }

  /**
   * A blocking source's reader thread and the queue it fills. The thread only reads and queues;
   * when its device fails it leaves the error behind the records it queued, so the follower handles
   * those first and then sees the failure as its own read failing.
   */
  private static final class ReaderThread implements KmsgRecordSource {
    private final Runnable onRecord;
    private final BlockingQueue<Read> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final AtomicBoolean read = new AtomicBoolean();
    private Thread thread;

    ReaderThread(Runnable onRecord) {
      this.onRecord = onRecord;
    }

    void start(KmsgRecordSource device, String description) {
      failure.set(null);
      read.set(false);
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("bosun-agent-kmsg")
              .start(
                  () -> {
                    try {
                      while (!Thread.currentThread().isInterrupted()) {
                        Read r = device.next();
                        if (r instanceof End) throw new IOException(description + " ended");
                        read.set(true);
                        if (!queue.offer(r)) dropped.incrementAndGet();
                        onRecord.run();
                      }
                    } catch (IOException | RuntimeException e) {
                      if (Thread.currentThread().isInterrupted()) return; // stopped on purpose
                      failure.set(e instanceof IOException io ? io : new IOException(e));
                      onRecord.run();
                    }
                  });
    }

    void stop() {
      thread.interrupt();
    }

    /** Whether the device gave a record since {@link #start}. */
    boolean hasRead() {
      return read.get();
    }

    @Override
    public Read next() throws IOException {
      if (dropped.get() > 0) {
        dropped.decrementAndGet();
        return new Lost();
      }
      // The failure first, then the queue: the thread queues every record before it leaves its
      // failure, so once the failure is seen, the records read before it are all in the queue.
      IOException e = failure.get();
      Read r = queue.poll();
      if (r != null) return r;
      if (e != null) {
        failure.compareAndSet(e, null);
        throw e;
      }
      return new End();
    }

    @Override
    public void close() {}
  }
}

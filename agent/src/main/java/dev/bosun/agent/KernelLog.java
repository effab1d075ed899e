package dev.bosun.agent;

import dev.bosun.gpu.kernel.DevKmsgSource;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import dev.bosun.gpu.kernel.KmsgFollower;
import dev.bosun.gpu.kernel.KmsgRecordSource;
import dev.bosun.gpu.model.PciAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel log as the agent reads it: a {@link KmsgFollower} (resume after the saved sequence
 * number, so a restart neither repeats nor loses a fault) over one of two kinds of source.
 *
 * <ul>
 *   <li>Polled: a source that says {@code End} when it has nothing (a file, the simulated node).
 *       {@link #drain()} reads what is there.
 *   <li>Blocking: {@code /dev/kmsg}, whose reads wait for the kernel. A daemon thread does only the
 *       reads and queues the records; the follower, its parser and its cursor are used on the
 *       caller's thread alone, so nothing in them needs a lock. {@code onRecord} tells the caller
 *       that records wait, so that a fault is classified at once, not at the next sample.
 * </ul>
 */
final class KernelLog implements AutoCloseable {

  /** Records held for the follower; when full (the agent stalled), more are counted as lost. */
  static final int QUEUE = 4096;

  private final KmsgRecordSource source;
  private final KmsgFollower follower;
  private final List<DriverFault> found = new ArrayList<>();
  private final String description;
  private final Thread reader;

  private KernelLog(
      KmsgRecordSource source,
      KmsgCursorStore cursor,
      String bootId,
      String description,
      Thread reader) {
    this.source = source;
    this.follower = new KmsgFollower(source, cursor, bootId, found::add);
    this.description = description;
    this.reader = reader;
  }

  /** A source that ends when it has nothing; read on the caller's thread. */
  static KernelLog polled(
      KmsgRecordSource source, KmsgCursorStore cursor, String bootId, String description) {
    return new KernelLog(source, cursor, bootId, description, null);
  }

  /** A blocking source (/dev/kmsg), read on its own daemon thread. */
  static KernelLog blocking(
      KmsgRecordSource device,
      KmsgCursorStore cursor,
      String bootId,
      String description,
      Runnable onRecord) {
    BlockingQueue<KmsgRecordSource.Read> queue = new ArrayBlockingQueue<>(QUEUE);
    AtomicLong dropped = new AtomicLong();
    KmsgRecordSource queued =
        new KmsgRecordSource() {
          @Override
          public Read next() {
            if (dropped.get() > 0) {
              dropped.decrementAndGet();
              return new Lost();
            }
            Read r = queue.poll();
            return r == null ? new End() : r;
          }

          @Override
          public void close() throws IOException {
            device.close();
          }
        };
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name("bosun-agent-kmsg")
            .unstarted(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      KmsgRecordSource.Read r = device.next();
                      if (r instanceof KmsgRecordSource.End)
                        return; // not a character device after all
                      if (!queue.offer(r)) dropped.incrementAndGet();
                      onRecord.run();
                    }
                  } catch (IOException e) {
                    // Closed on shutdown, or the device failed: the agent goes on with telemetry
                    // alone.
                  }
                });
    KernelLog log = new KernelLog(queued, cursor, bootId, description, reader);
    reader.start();
    return log;
  }

  /** /dev/kmsg itself, with this boot's id. */
  static KernelLog devKmsg(Path device, KmsgCursorStore cursor, Runnable onRecord)
      throws IOException {
    return blocking(
        new DevKmsgSource(device),
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

  /** Reads what is there and returns the faults found, oldest first. */
  List<DriverFault> drain() throws IOException {
    follower.pump(Long.MAX_VALUE);
    List<DriverFault> out = List.copyOf(found);
    found.clear();
    return out;
  }

  /**
   * Records the follower could not read, plus records lost to a full queue or a wrapped kernel
   * buffer.
   */
  long unparsed() {
    KmsgFollower.Progress p = follower.progress();
    return p.unparsed() + p.lost();
  }

  @Override
  public void close() throws IOException {
    try {
      follower.checkpoint();
    } finally {
      if (reader != null) reader.interrupt();
      source.close();
    }
  }
}

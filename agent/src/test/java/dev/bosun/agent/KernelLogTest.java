package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import dev.bosun.gpu.kernel.KmsgRecordSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel log never stops for good: it is opened again with a back-off, keeping its cursor. */
class KernelLogTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final String BOOT = "8b1e0d3c-0000-4000-8000-000000000002";

  /** The kernel's buffer: every source opened on it starts at its oldest record. */
  final List<String> ring = new CopyOnWriteArrayList<>();

  /** What the next opens do: throw this, or (null) open. */
  final Deque<Exception> nextOpens = new ArrayDeque<>();

  /** The open source's read at this position fails, once; -1: none does. */
  int failingRead = -1;

  final AtomicInteger opens = new AtomicInteger();

  void xid(int code) {
    ring.add(
        "4,"
            + (ring.size() + 1)
            + ","
            + ring.size() * 1000L
            + ",-;NVRM: Xid (PCI:0000:18:00): "
            + code
            + ", pid=1, name=p, x");
  }

  KmsgRecordSource open() throws IOException {
    opens.incrementAndGet();
    Exception failure = nextOpens.poll();
    if (failure instanceof IOException io) throw io;
    if (failure instanceof RuntimeException r) throw r;
    return new KmsgRecordSource() {
      int position;

      @Override
      public Read next() throws IOException {
        if (position == failingRead) {
          failingRead = -1;
          throw new IOException("Input/output error");
        }
        return position < ring.size() ? new Record(ring.get(position++)) : new End();
      }

      @Override
      public void close() {}
    };
  }

  KernelLog polled(Path dir) {
    return KernelLog.polled(this::open, store(dir), BOOT, "kmsg.log");
  }

  static KmsgCursorStore store(Path dir) {
    return new KmsgCursorStore(dir.resolve("kmsg.cursor"));
  }

  static List<Integer> codes(List<DriverFault> faults) {
    return faults.stream().map(DriverFault::xid).toList();
  }

  @Test
  void aLogThatCannotBeOpenedIsTriedAgainWithABackOff(@TempDir Path dir) {
    nextOpens.add(new IOException("Permission denied"));
    nextOpens.add(new IOException("Permission denied"));
    nextOpens.add(new IllegalStateException("a bug in a source"));
    xid(79);
    KernelLog log = polled(dir);

    assertThat(log.drain(T0)).isEmpty();
    assertThat(log.outage())
        .isEqualTo(
            new KernelLog.Outage(
                "kmsg.log", T0, "Permission denied", 1, T0.plus(KernelLog.FIRST_RETRY)));
    assertThat(log.drain(T0.plusMillis(999))).isEmpty();
    assertThat(opens).as("no try before the back-off is over").hasValue(1);

    assertThat(log.drain(T0.plusSeconds(1))).isEmpty();
    assertThat(log.outage().nextTry()).isEqualTo(T0.plusSeconds(1 + 2));
    assertThat(log.drain(T0.plusSeconds(3))).isEmpty();
    assertThat(log.outage())
        .isEqualTo(
            new KernelLog.Outage("kmsg.log", T0, "a bug in a source", 3, T0.plusSeconds(3 + 4)));

    assertThat(codes(log.drain(T0.plusSeconds(7)))).containsExactly(79);
    assertThat(log.outage()).isNull();
    assertThat(opens).hasValue(4);
  }

  @Test
  void aReadFailureKeepsTheFaultsBeforeItAndTheCursor(@TempDir Path dir) {
    xid(13);
    xid(31);
    failingRead = 1;
    KernelLog log = polled(dir);

    assertThat(codes(log.drain(T0))).containsExactly(13);
    assertThat(log.outage().error()).isEqualTo("Input/output error");

    xid(48);
    assertThat(codes(log.drain(T0.plusSeconds(1))))
        .as("the reopened source starts at the oldest record; the cursor skips what was handled")
        .containsExactly(31, 48);
    assertThat(log.outage()).isNull();
  }

  @Test
  void theBackOffDoublesToAMinuteAndStartsOverAfterAMinuteOfReading(@TempDir Path dir) {
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 50).stream().map(KernelLog::backoff))
        .extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);

    KernelLog log = polled(dir);
    failingRead = 0;
    log.drain(T0);
    failingRead = 0;
    log.drain(T0.plusSeconds(1));
    assertThat(log.outage().nextTry()).isEqualTo(T0.plusSeconds(1 + 2));
    failingRead = 0;
    log.drain(T0.plusSeconds(3));
    assertThat(log.outage().nextTry()).as("opened, failed at once").isEqualTo(T0.plusSeconds(7));
    assertThat(log.outage().failures()).isEqualTo(3);
    log.drain(T0.plusSeconds(7));
    assertThat(log.outage()).isNull();

    failingRead = 0; // read for a minute; then the source fails
    log.drain(T0.plusSeconds(68));
    assertThat(log.outage().nextTry()).isEqualTo(T0.plusSeconds(68 + 1));
    assertThat(log.outage().since()).isEqualTo(T0.plusSeconds(68));
  }

  @Test
  void aBlockingDeviceThatFailsIsReopenedAndNoFaultIsLostOrCountedTwice(@TempDir Path dir) {
    xid(13);
    xid(31);
    List<BlockingDevice> devices = new CopyOnWriteArrayList<>();
    AtomicInteger wakes = new AtomicInteger();
    KernelLog log =
        KernelLog.blocking(
            () -> {
              BlockingDevice d = new BlockingDevice(ring, devices.isEmpty() ? 2 : -1);
              devices.add(d);
              return d;
            },
            store(dir),
            BOOT,
            "/dev/kmsg",
            wakes::incrementAndGet);
    List<Integer> seen = new ArrayList<>();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              seen.addAll(codes(log.drain(T0)));
              return log.outage() != null;
            });
    assertThat(seen).containsExactly(13, 31);
    assertThat(log.outage().error()).isEqualTo("Input/output error");
    assertThat(wakes).as("the failure wakes the loop too").hasPositiveValue();

    xid(48);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              seen.addAll(codes(log.drain(T0.plusSeconds(1))));
              return seen.size() == 3;
            });
    assertThat(seen).containsExactly(13, 31, 48);
    assertThat(log.outage()).isNull();
    log.close();
    assertThat(devices).hasSize(2).allMatch(d -> d.closed);
  }

  /** A /dev/kmsg stand-in: hands out the ring, then blocks; or fails after {@code failAfter}. */
  static final class BlockingDevice implements KmsgRecordSource {
    private final LinkedBlockingQueue<String> records;
    private final int failAfter;
    private int read;
    volatile boolean closed;

    BlockingDevice(List<String> ring, int failAfter) {
      this.records = new LinkedBlockingQueue<>(ring);
      this.failAfter = failAfter;
    }

    @Override
    public Read next() throws IOException {
      if (read == failAfter) throw new IOException("Input/output error");
      try {
        String r;
        while ((r = records.poll(10, TimeUnit.MILLISECONDS)) == null) {
          if (closed) throw new IOException("Stream Closed");
        }
        read++;
        return new Record(r);
      } catch (InterruptedException e) {
        throw new IOException("interrupted", e);
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}

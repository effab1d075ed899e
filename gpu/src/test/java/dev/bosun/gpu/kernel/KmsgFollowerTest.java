package dev.bosun.gpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.model.PciAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KmsgFollowerTest {

  static final String BOOT = "8b1e0d3c-0000-4000-8000-000000000001";

  /** /dev/kmsg as a list: every new reader starts at the oldest record, as the real one does. */
  static final class RingBuffer {
    final List<String> records = new ArrayList<>();
    int oldest; // records before this were overwritten by the kernel

    KmsgRecordSource open() {
      return new KmsgRecordSource() {
        int pos = oldest;
        boolean reportedGap;

        @Override
        public Read next() {
          if (pos < oldest && !reportedGap) {
            reportedGap = true;
            pos = oldest;
            return new Lost();
          }
          return pos < records.size() ? new Record(records.get(pos++)) : new End();
        }

        @Override
        public void close() {}
      };
    }

    void log(String message) {
      records.add("4," + (records.size() + 100) + "," + (records.size() * 1000L) + ",c;" + message);
    }
  }

  static String xid(int code) {
    return "NVRM: Xid (PCI:0000:18:00): " + code + ", pid=1, name=p, detail";
  }

  @Test
  void aRestartNeitherRepeatsNorLosesAFault(@TempDir Path dir) throws IOException {
    RingBuffer kmsg = new RingBuffer();
    kmsg.log("NVRM: GPU at PCI:0000:18:00: GPU-11111111-2222-3333-4444-555555555555");
    kmsg.log(xid(13));
    kmsg.log("usb 1-1: new device");
    kmsg.log(xid(31));
    KmsgCursorStore store = new KmsgCursorStore(dir.resolve("kmsg.cursor"));
    List<DriverFault> delivered = new ArrayList<>();

    KmsgFollower first = new KmsgFollower(kmsg.open(), store, BOOT, delivered::add);
    first.pump(3); // reads the UUID line, Xid 13 and the usb line, then the agent is killed (no
    // checkpoint)

    kmsg.log(xid(48)); // written while the agent was down
    KmsgFollower second = new KmsgFollower(kmsg.open(), store, BOOT, delivered::add);
    KmsgFollower.Progress p = second.pump(Long.MAX_VALUE);

    assertThat(delivered).extracting(DriverFault::xid).containsExactly(13, 31, 48);
    assertThat(delivered).extracting(DriverFault::sequence).containsExactly(101L, 103L, 104L);
    // the UUID line was read by the first run only, yet the second run's faults carry it
    assertThat(delivered)
        .extracting(DriverFault::uuid)
        .containsOnly("GPU-11111111-2222-3333-4444-555555555555");
    assertThat(p.skipped()).isEqualTo(2); // the UUID line and Xid 13, both before the saved cursor
    assertThat(store.load(BOOT).lastSequence()).isEqualTo(104);
    assertThat(Files.list(dir))
        .extracting(f -> f.getFileName().toString())
        .containsExactly("kmsg.cursor");
  }

  @Test
  void aCursorThatCannotBeSavedNeitherStopsTheReadingNorLosesAFault(@TempDir Path dir)
      throws IOException {
    RingBuffer kmsg = new RingBuffer();
    kmsg.log(xid(13));
    kmsg.log("usb 1-1: new device");
    kmsg.log(xid(31));
    // A file where the cursor's directory should be: every save fails, as on a full disk.
    Path notADirectory = Files.writeString(dir.resolve("state"), "");
    KmsgCursorStore store = new KmsgCursorStore(notADirectory.resolve("kmsg.cursor"));
    List<Integer> codes = new ArrayList<>();

    KmsgFollower follower = new KmsgFollower(kmsg.open(), store, BOOT, f -> codes.add(f.xid()));
    KmsgFollower.Progress progress = follower.pump(Long.MAX_VALUE);

    assertThat(codes).containsExactly(13, 31);
    assertThat(progress.records()).isEqualTo(3);
    assertThat(progress.unsavedCheckpoints()).isEqualTo(2);
    assertThat(follower.cursor().lastSequence()).as("the cursor in memory moves on").isEqualTo(102);
  }

  @Test
  void manyRestartsInARowDeliverEachFaultOnce(@TempDir Path dir) throws IOException {
    RingBuffer kmsg = new RingBuffer();
    for (int i = 0; i < 40; i++) kmsg.log(i % 3 == 0 ? xid(100 + i) : "noise " + i);
    KmsgCursorStore store = new KmsgCursorStore(dir.resolve("c"));
    List<Integer> codes = new ArrayList<>();
    for (int restart = 0; restart < 20; restart++) {
      new KmsgFollower(kmsg.open(), store, BOOT, f -> codes.add(f.xid())).pump(restart % 4 + 1);
    }
    new KmsgFollower(kmsg.open(), store, BOOT, f -> codes.add(f.xid())).pump(Long.MAX_VALUE);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 40; i += 3) expected.add(100 + i);
    assertThat(codes).containsExactlyElementsOf(expected);
  }

  @Test
  void aNewBootStartsOverBecauseSequenceNumbersRestart(@TempDir Path dir) throws IOException {
    KmsgCursorStore store = new KmsgCursorStore(dir.resolve("c"));
    store.save(new KmsgCursor(BOOT, 5000, Map.of(PciAddress.of("0000:18:00.0"), "GPU-old")));
    RingBuffer kmsg = new RingBuffer();
    kmsg.log(xid(79));
    List<DriverFault> delivered = new ArrayList<>();

    new KmsgFollower(kmsg.open(), store, "another-boot", delivered::add).pump(Long.MAX_VALUE);

    assertThat(delivered)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.xid()).isEqualTo(79);
              assertThat(f.uuid()).isNull(); // last boot's mapping is not trusted
            });
  }

  @Test
  void recordsTheKernelOverwroteAreCountedAsLost(@TempDir Path dir) throws IOException {
    RingBuffer kmsg = new RingBuffer();
    for (int i = 0; i < 10; i++) kmsg.log(xid(13));
    KmsgCursorStore store = new KmsgCursorStore(dir.resolve("c"));
    List<DriverFault> delivered = new ArrayList<>();
    new KmsgFollower(kmsg.open(), store, BOOT, delivered::add).pump(2);
    kmsg.oldest = 6; // the ring buffer wrapped while the agent was down: records 2..5 are gone
    // a reader positioned before `oldest` gets EPIPE once, then continues at the oldest record
    KmsgFollower.Progress p =
        new KmsgFollower(gapAt(kmsg, 2), store, BOOT, delivered::add).pump(Long.MAX_VALUE);
    assertThat(p.lost()).isEqualTo(1);
    assertThat(delivered).hasSize(2 + 4);
  }

  private static KmsgRecordSource gapAt(RingBuffer kmsg, int position) {
    return new KmsgRecordSource() {
      int pos = position;
      boolean gap = true;

      @Override
      public Read next() {
        if (gap) {
          gap = false;
          pos = kmsg.oldest;
          return new Lost();
        }
        return pos < kmsg.records.size() ? new Record(kmsg.records.get(pos++)) : new End();
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void anUnreadableCursorFileMeansStartOver(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c");
    Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
    assertThat(new KmsgCursorStore(file).load(BOOT)).isEqualTo(KmsgCursor.start(BOOT));
    Files.writeString(file, "boot_id=" + BOOT + "\nlast_sequence=notanumber\n");
    assertThat(new KmsgCursorStore(file).load(BOOT)).isEqualTo(KmsgCursor.start(BOOT));
  }

  @Test
  void dictionaryLinesOfARecordAreIgnored(@TempDir Path dir) throws IOException {
    RingBuffer kmsg = new RingBuffer();
    kmsg.records.add("4,7,700,-;" + xid(48) + "\n SUBSYSTEM=pci\n DEVICE=+pci:0000:18:00.0");
    List<DriverFault> delivered = new ArrayList<>();
    new KmsgFollower(kmsg.open(), new KmsgCursorStore(dir.resolve("c")), BOOT, delivered::add)
        .pump(10);
    assertThat(delivered).singleElement().extracting(DriverFault::xid).isEqualTo(48);
  }
}

package dev.bosun.gpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * However often the agent is killed and restarted, each fault is delivered exactly once, in order.
 */
class KmsgResumeProperties {

  @Property(tries = 200)
  void everyFaultExactlyOnce(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 3) Integer> kinds,
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 12) Integer> runLengths)
      throws IOException {
    List<String> records = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    long seq = 1;
    for (int kind : kinds) {
      String message =
          switch (kind) {
            case 0 -> "NVRM: Xid (PCI:0000:18:00): 13, pid=1, name=p, x";
            case 1 -> "usb 1-1: noise";
            case 2 -> "NVRM: GPU at PCI:0000:18:00: GPU-11111111-2222-3333-4444-555555555555";
            default -> "garbage\u0001";
          };
      if (kind == 0) expected.add(seq);
      records.add("4," + seq++ + ",0,-;" + message);
    }
    Path dir = Files.createTempDirectory("kmsg");
    try {
      KmsgCursorStore store = new KmsgCursorStore(dir.resolve("cursor"));
      List<Long> delivered = new ArrayList<>();
      for (int run : runLengths) { // each run reads a few records, then "crashes" (no checkpoint)
        new KmsgFollower(source(records), store, "boot", f -> delivered.add(f.sequence()))
            .pump(run);
      }
      new KmsgFollower(source(records), store, "boot", f -> delivered.add(f.sequence()))
          .pump(Long.MAX_VALUE);
      assertThat(delivered).containsExactlyElementsOf(expected);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static KmsgRecordSource source(List<String> records) {
    return new KmsgRecordSource() {
      int pos;

      @Override
      public Read next() {
        return pos < records.size() ? new Record(records.get(pos++)) : new End();
      }

      @Override
      public void close() {}
    };
  }
}

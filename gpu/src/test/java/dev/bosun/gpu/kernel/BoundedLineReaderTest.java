package dev.bosun.gpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

  static List<String> read(Reader in, int max) throws IOException {
    BoundedLineReader r = new BoundedLineReader(in, max);
    List<String> lines = new ArrayList<>();
    for (String l; (l = r.readLine()) != null; ) lines.add(l);
    return lines;
  }

  @Test
  void splitsLinesAndDropsCarriageReturns() throws IOException {
    assertThat(read(new StringReader("a\r\nbb\n\nccc"), 10)).containsExactly("a", "bb", "", "ccc");
  }

  @Test
  void anOverlongLineBecomesOneMarkerAndReadingGoesOn() throws IOException {
    assertThat(read(new StringReader("ok\n" + "x".repeat(50_000) + "\nafter\n"), 100))
        .containsExactly("ok", BoundedLineReader.OVERLONG, "after");
  }

  @Test
  void aHugeLineWithoutNewlineCostsNoMemory() throws IOException {
    Reader endless = new Reader() { // 200 MB of 'x', generated, never held
          long left = 200_000_000L;

          @Override
          public int read(char[] buf, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            Arrays.fill(buf, off, off + n, 'x');
            left -= n;
            return n;
          }

          @Override
          public void close() {}
        };
    assertThat(read(endless, 1000)).containsExactly(BoundedLineReader.OVERLONG);
  }
}

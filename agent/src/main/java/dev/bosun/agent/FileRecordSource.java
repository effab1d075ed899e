package dev.bosun.agent;

import dev.bosun.gpu.kernel.KmsgRecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A file of kernel log records, one per line, read like {@code tail -f}: {@link End} when there is
 * nothing new, and the next call goes on where it stopped. A line is handed out only once its
 * newline has been written, so a writer caught in the middle of a line never produces a cut record.
 * Lines longer than {@link #MAX_LINE} are skipped to their end and reported as {@link Lost}. For a
 * saved kmsg dump or a test; the node's own log is {@code /dev/kmsg}.
 */
final class FileRecordSource implements KmsgRecordSource {

  static final int MAX_LINE = 16 * 1024;

  private final InputStream in;
  private final byte[] chunk = new byte[8192];
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean overlong;
  private int chunkPos, chunkEnd;

  FileRecordSource(Path file) throws IOException {
    this.in = Files.newInputStream(file);
  }

  @Override
  public Read next() throws IOException {
    while (true) {
      if (chunkPos == chunkEnd) {
        // Only what is there now: a FileInputStream at the end returns -1 and reads on later.
        int n = in.available() > 0 ? in.read(chunk) : -1;
        if (n <= 0) return new End();
        chunkPos = 0;
        chunkEnd = n;
      }
      byte b = chunk[chunkPos++];
      if (b == '\n') {
        boolean wasOverlong = overlong;
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        overlong = false;
        if (wasOverlong) return new Lost();
        if (!text.isEmpty()) return new Record(text);
        continue;
      }
      if (overlong) continue;
      if (lineLength == MAX_LINE) {
        overlong = true;
        continue;
      }
      if (lineLength == line.length)
        line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
      line[lineLength++] = b;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

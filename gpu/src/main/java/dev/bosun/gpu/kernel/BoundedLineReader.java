package dev.bosun.gpu.kernel;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most {@code maxChars}; a longer line is skipped to its end and reported as
 * {@link #OVERLONG}, so a multi-gigabyte line without a newline costs no memory.
 */
public final class BoundedLineReader {

  /** Returned in place of a line that was too long. */
  public static final String OVERLONG = "\u0000overlong";

  private final Reader in;
  private final int maxChars;
  private final char[] buf = new char[8192];
  private int pos, len;
  private boolean eof;

  public BoundedLineReader(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** The next line without its terminator, {@link #OVERLONG}, or {@code null} at the end. */
  public String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    boolean overlong = false;
    while (true) {
      if (pos == len) {
        if (eof) break;
        len = in.read(buf, 0, buf.length);
        pos = 0;
        if (len <= 0) {
          len = 0;
          eof = true;
          break;
        }
      }
      int start = pos;
      while (pos < len && buf[pos] != '\n') pos++;
      if (!overlong) {
        if (line.length() + (pos - start) > maxChars) {
          overlong = true;
          line.setLength(0);
        } else {
          line.append(buf, start, pos - start);
        }
      }
      if (pos < len) { // found the newline
        pos++;
        return finish(line, overlong);
      }
    }
    if (line.isEmpty() && !overlong) return null;
    return finish(line, overlong);
  }

  private static String finish(StringBuilder line, boolean overlong) {
    if (overlong) return OVERLONG;
    int n = line.length();
    if (n > 0 && line.charAt(n - 1) == '\r') line.setLength(n - 1);
    return line.toString();
  }
}

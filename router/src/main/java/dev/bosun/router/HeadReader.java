package dev.bosun.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a head off a connection, up to and including the empty line, within the limits: it stops
 * reading as soon as the first line or the head is too long, so a hostile peer costs at most {@link
 * Limits#head()} bytes. The bytes are {@link HeadParser}'s to judge.
 */
final class HeadReader {
  /** What came off the connection. */
  sealed interface Read {
    record Head(byte[] bytes) implements Read {}

    /** The first line ({@code firstLine}) or the whole head ran past its limit. */
    record TooLong(boolean firstLine) implements Read {}

    /** The peer closed before sending a whole head (or anything at all). */
    record Closed() implements Read {}
  }

  private HeadReader() {}

  /** {@code in} should be buffered: it is read a byte at a time. */
  static Read read(InputStream in, Limits limits) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int lineLength = 0;
    int previous = -1;
    boolean firstLine = true;
    while (true) {
      int b = in.read();
      if (b < 0) return new Read.Closed();
      head.write(b);
      if (b == '\n') {
        // A line of nothing but (CR) LF ends the head; a stray LF is the parser's to refuse.
        if (lineLength == 0 || (lineLength == 1 && previous == '\r')) {
          return new Read.Head(head.toByteArray());
        }
        firstLine = false;
        lineLength = 0;
      } else {
        lineLength++;
      }
      previous = b;
      if (firstLine && lineLength > limits.requestLine() + 1) return new Read.TooLong(true);
      if (head.size() > limits.head()) return new Read.TooLong(false);
    }
  }
}

package dev.bosun.cli;

import dev.bosun.gpu.ExitCodes;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output and error of the process, as {@code System.out} and {@code System.err} (picocli's
 * writers print through them), remembering the first write that failed. PrintStream and PrintWriter
 * only set a flag, so a full disk or a closed pipe would otherwise look like success.
 */
final class StandardStreams {
  private final FailureKeeping out;
  private final FailureKeeping err;

  private StandardStreams(FailureKeeping out, FailureKeeping err) {
    this.out = out;
    this.err = err;
  }

  /** Replaces System.out and System.err, in UTF-8 whatever the locale: YAML and JSON are UTF-8. */
  static StandardStreams install() {
    StandardStreams streams =
        new StandardStreams(
            new FailureKeeping(new FileOutputStream(FileDescriptor.out)),
            new FailureKeeping(new FileOutputStream(FileDescriptor.err)));
    // Flushed at each line, as a terminal expects of a command that runs for a while.
    System.setOut(new PrintStream(streams.out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(streams.err, true, StandardCharsets.UTF_8));
    return streams;
  }

  /**
   * Flushes both streams and gives the exit code: the command's, or {@link ExitCodes#FAILED} when a
   * write failed, with the reason on standard error when it still takes one.
   */
  int exitCode(int commandExitCode) {
    System.out.flush();
    System.err.flush();
    if (out.failure != null) {
      System.err.println("bosun: cannot write standard output: " + out.failure.getMessage());
      System.err.flush();
    }
    return out.failure != null || err.failure != null ? ExitCodes.FAILED : commandExitCode;
  }

  /** A stream that keeps the first IOException of the stream under it, and still throws it. */
  private static final class FailureKeeping extends OutputStream {
    private final OutputStream target;
    private IOException failure;

    FailureKeeping(OutputStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        target.write(b);
      } catch (IOException e) {
        throw kept(e);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      try {
        target.write(bytes, offset, length);
      } catch (IOException e) {
        throw kept(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        target.flush();
      } catch (IOException e) {
        throw kept(e);
      }
    }

    private IOException kept(IOException e) {
      if (failure == null) {
        failure = e;
      }
      return e;
    }
  }
}

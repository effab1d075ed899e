package dev.bosun.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The logs of what the local cluster runs, as a user is shown them when something failed. */
public final class LogFiles {

  private LogFiles() {}

  /** The last {@code lines} lines of {@code file}, or why they cannot be read. */
  public static String tail(Path file, int lines) {
    try (Stream<String> all = Files.lines(file)) {
      List<String> kept = all.toList();
      return String.join("\n", kept.subList(Math.max(0, kept.size() - lines), kept.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}

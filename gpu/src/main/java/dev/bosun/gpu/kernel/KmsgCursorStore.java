package dev.bosun.gpu.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a {@link KmsgCursor} in a small file, replaced atomically (write a sibling, fsync, rename)
 * so that a crash leaves either the old cursor or the new one, never half of each.
 */
public final class KmsgCursorStore {

  private final Path file;

  public KmsgCursorStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public KmsgCursor load(String currentBootId) {
    try {
      return KmsgCursor.parse(Files.readString(file, StandardCharsets.UTF_8), currentBootId);
    } catch (NoSuchFileException e) {
      return KmsgCursor.start(currentBootId);
    } catch (IOException
        | RuntimeException e) { // unreadable or not text: start over rather than stop
      return KmsgCursor.start(currentBootId);
    }
  }

  public void save(KmsgCursor cursor) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(StandardCharsets.UTF_8.encode(cursor.render()));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save kmsg cursor to " + file, e);
    }
  }
}

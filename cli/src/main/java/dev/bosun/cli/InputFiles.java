package dev.bosun.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens what a user names as input, a file, a pipe or {@code -} for standard input, and says why
 * when it cannot in words a person can act on: the CLI's one opener, for manifests and kernel logs
 * alike.
 */
public final class InputFiles {
  /** How messages name standard input. */
  public static final String STANDARD_INPUT = "<stdin>";

  /**
   * Set by {@code ./bosun} when the caller closed descriptor 0 and the launcher put /dev/null there
   * in its place.
   */
  private static final String STANDARD_INPUT_CLOSED = "bosun.stdin.closed";

  private static final int FILE_TYPE_BITS = 0170000;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private InputFiles() {}

  /** An input that cannot be read: its name as the user gave it, and why. */
  public static final class Unreadable extends Exception {
    private final String source;
    private final String reason;

    Unreadable(String source, String reason) {
      super(source + ": " + reason, null, false, false);
      this.source = source;
      this.reason = reason;
    }

    public String source() {
      return source;
    }

    public String reason() {
      return reason;
    }
  }

  /** How messages name an input: {@link #STANDARD_INPUT} for {@code -}. */
  public static String sourceName(String name) {
    return name.equals("-") ? STANDARD_INPUT : name;
  }

  /** A file or a pipe, or standard input for {@code -}; closing the stream leaves stdin open. */
  public static InputStream open(String name) throws Unreadable {
    return name.equals("-") ? standardInput() : open(path(name), name);
  }

  /** The path a user named, refused with the reason when it cannot be one. */
  static Path path(String name) throws Unreadable {
    if (name.isEmpty()) {
      throw new Unreadable("\"\"", "is an empty file name");
    }
    try {
      return Path.of(name);
    } catch (InvalidPathException e) {
      String fileNames = System.getProperty("sun.jnu.encoding");
      throw new Unreadable(
          name,
          StandardCharsets.UTF_8.equals(Charset.forName(fileNames, null))
              ? "is not a file name: " + e.getReason()
              : "cannot be a file name in this locale's character set ("
                  + fileNames
                  + "); run with a UTF-8 locale, such as LC_ALL=C.UTF-8");
    }
  }

  /**
   * A regular file or a pipe ({@code <(dmesg)} is one); a directory, a device or a socket is
   * refused, since reading one either fails or never ends.
   */
  static InputStream open(Path path, String name) throws Unreadable {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        throw new Unreadable(name, "is a directory, not a file");
      }
      String special = attributes.isOther() ? specialKind(path) : null;
      if (special != null) {
        throw new Unreadable(name, "is a " + special + ", not a file or a pipe");
      }
      return Files.newInputStream(path);
    } catch (IOException e) {
      throw new Unreadable(name, reason(path, e));
    }
  }

  /**
   * Why {@code path} could not be opened or read. The JDK's messages repeat the path and, for a
   * loop of symbolic links, add a guess; errno's own words are kept where nothing clearer is known.
   */
  static String reason(Path path, IOException e) {
    return switch (e) {
      case NoSuchFileException missing when Files.isSymbolicLink(path) ->
          "is a symbolic link to " + linkTarget(path) + ", which does not exist";
      case NoSuchFileException missing -> "no such file";
      case AccessDeniedException denied -> "permission denied";
      // Following the link failed for another reason than a missing target: the kernel's ELOOP.
      case FileSystemException loop when Files.isSymbolicLink(path) ->
          "is a loop of symbolic links";
      case FileSystemException other when other.getReason() != null -> other.getReason();
      default -> e.getMessage();
    };
  }

  private static String linkTarget(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a missing file";
    }
  }

  /** A device or a socket, by the file type bits; null for a pipe, which reads like a file. */
  private static String specialKind(Path path) {
    int type;
    try {
      type = (Integer) Files.getAttribute(path, "unix:mode") & FILE_TYPE_BITS;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
    return switch (type) {
      case CHARACTER_DEVICE -> "character device";
      case BLOCK_DEVICE -> "block device";
      case SOCKET -> "socket";
      default -> null;
    };
  }

  private static InputStream standardInput() throws Unreadable {
    if (standardInputClosed()) {
      throw new Unreadable(
          STANDARD_INPUT, "standard input is closed; pipe the input in or name a file");
    }
    return new FilterInputStream(System.in) {
      @Override
      public void close() {
        // Standard input belongs to the process, not to one reader of it.
      }
    };
  }

  /**
   * Whether the caller closed descriptor 0. The JVM's own first file, the JDK's lib/modules, then
   * sits there: reading it is 146 MB of garbage and closing it crashes the JVM. The launcher says
   * so; without it, /proc shows the JDK's file where standard input should be.
   */
  private static boolean standardInputClosed() {
    if (Boolean.getBoolean(STANDARD_INPUT_CLOSED)) {
      return true;
    }
    try {
      Path descriptor = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
      return descriptor.startsWith(Path.of(System.getProperty("java.home")).toRealPath());
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}

package dev.bosun.cli;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.manifest.DuplicateObjects;
import dev.bosun.compiler.manifest.ManifestLimits;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.TierCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Manifests named on the command line, read into Bosun objects, together no more than {@link
 * ManifestLimits#MAX_INPUT_BYTES} in one call.
 */
public final class Inputs {
  private static final ReadResult NOTHING = new ReadResult(List.of(), List.of());

  /** What one call may still read: every input counts, so that memory stays bounded. */
  private int budgetLeft = ManifestLimits.MAX_INPUT_BYTES;

  private boolean budgetSpent;

  /** What this call's inputs read so far used of the reader's limits, which count every input. */
  private ManifestLimits.Usage used = ManifestLimits.Usage.NONE;

  /**
   * Every document of every path: a file, a directory of .yaml/.yml files, or - for standard input.
   */
  public ReadResult read(List<String> paths) {
    ReadResult result = NOTHING;
    for (String path : paths) {
      result = result.plus(readOne(path));
    }
    return result;
  }

  /** {@link #read}, with objects named twice across the paths reported as problems too. */
  public ReadResult objects(List<String> paths) {
    ReadResult read = read(paths);
    return read.plus(new ReadResult(List.of(), DuplicateObjects.find(read.manifests())));
  }

  private ReadResult readOne(String name) {
    if (budgetSpent) {
      return NOTHING;
    }
    try {
      if (name.equals("-")) {
        return readText(InputFiles.STANDARD_INPUT, InputFiles.open(name));
      }
      Path path = InputFiles.path(name);
      return Files.isDirectory(path) ? readDirectory(name, path) : readFile(name, path);
    } catch (InputFiles.Unreadable e) {
      return failed(e.source(), e.reason());
    }
  }

  private ReadResult readDirectory(String name, Path directory) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files = listing.filter(Inputs::isYaml).sorted().toList();
    } catch (IOException e) {
      return failed(name, "cannot be listed: " + InputFiles.reason(directory, e));
    }
    if (files.isEmpty()) {
      return failed(name, "is a directory with no .yaml or .yml files");
    }
    ReadResult result = NOTHING;
    for (Path file : files) {
      if (budgetSpent) {
        break;
      }
      // The listed path, not its name: a name the locale cannot spell still opens by its bytes.
      result = result.plus(readFile(file.toString(), file));
    }
    return result;
  }

  private ReadResult readFile(String name, Path path) {
    try {
      return readText(name, InputFiles.open(path, name));
    } catch (InputFiles.Unreadable e) {
      return failed(e.source(), e.reason());
    }
  }

  /**
   * One input, read no further than what is left of the call's budget: a stream need not end
   * (/dev/zero through a pipe), and a file can be any size.
   */
  private ReadResult readText(String source, InputStream input) throws InputFiles.Unreadable {
    byte[] bytes;
    try (input) {
      bytes = input.readNBytes(budgetLeft + 1);
    } catch (IOException e) {
      return failed(source, "cannot be read: " + e.getMessage());
    }
    if (bytes.length > budgetLeft) {
      budgetSpent = true;
      return failed(
          source,
          "takes the input past "
              + ManifestLimits.MAX_INPUT_BYTES / (1024 * 1024)
              + " MiB, the most one call reads (all files together); split it across calls");
    }
    budgetLeft -= bytes.length;
    ReadResult read = ManifestReader.read(source, decode(source, bytes), used);
    used = used.plus(read.usage());
    return read;
  }

  /** The tier catalog: the files of {@code --tiers}, or the default catalog in the jar. */
  TierCatalog tiers(String tiersPath, List<ManifestProblem> problems) {
    if (tiersPath == null) {
      return TierCatalog.defaults();
    }
    ReadResult read = read(List.of(tiersPath));
    problems.addAll(read.problems());
    List<Tier> tiers = read.objectsOf(Tier.class);
    if (tiers.isEmpty() && read.problems().isEmpty()) {
      problems.add(ManifestProblem.of(tiersPath, null, new FieldError("", "holds no Tier")));
    }
    return TierCatalog.of(tiers);
  }

  /** The Environment of {@code --env}, or null without it. */
  Environment environment(String envPath, List<ManifestProblem> problems) {
    if (envPath == null) {
      return null;
    }
    ReadResult read = read(List.of(envPath));
    problems.addAll(read.problems());
    List<Environment> environments = read.objectsOf(Environment.class);
    if (read.problems().isEmpty() && environments.size() != 1) {
      problems.add(
          ManifestProblem.of(
              envPath,
              null,
              new FieldError("", "must hold exactly one Environment, not " + environments.size())));
      return null;
    }
    return environments.isEmpty() ? null : environments.getFirst();
  }

  private static boolean isYaml(Path path) {
    String file = path.getFileName().toString();
    return Files.isRegularFile(path) && (file.endsWith(".yaml") || file.endsWith(".yml"));
  }

  /** The text of UTF-8 bytes, or where the first byte that is not UTF-8 is. */
  private static String decode(String source, byte[] bytes) throws InputFiles.Unreadable {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never decodes to more chars than it has bytes.
    CharBuffer text = CharBuffer.allocate(bytes.length);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    CoderResult result = decoder.decode(in, text, true);
    if (!result.isError()) {
      result = decoder.flush(text);
    }
    text.flip();
    if (!result.isError()) {
      return text.toString();
    }
    String before = text.toString();
    int lineStart = before.lastIndexOf('\n') + 1;
    throw new InputFiles.Unreadable(
        source,
        String.format(
            "is not UTF-8: byte 0x%02X at line %d, column %d",
            bytes[in.position()],
            before.chars().filter(c -> c == '\n').count() + 1,
            before.codePointCount(lineStart, before.length()) + 1));
  }

  private static ReadResult failed(String source, String message) {
    return new ReadResult(
        List.of(),
        new ArrayList<>(List.of(ManifestProblem.of(source, null, new FieldError("", message)))));
  }
}

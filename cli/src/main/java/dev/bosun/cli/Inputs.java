package dev.bosun.cli;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.manifest.ManifestLimits;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.TierCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files named on the command line, read into Bosun objects: the CLI's one place that touches input
 * files.
 */
final class Inputs {
  private final InputStream stdin;

  /** What this call's inputs read so far used of its limits, which count every input. */
  private ManifestLimits.Usage used = ManifestLimits.Usage.NONE;

  Inputs(InputStream stdin) {
    this.stdin = stdin;
  }

  /**
   * Every document of every path: a file, a directory of .yaml/.yml files, or - for standard input.
   */
  ReadResult read(List<String> paths) {
    ReadResult result = new ReadResult(List.of(), List.of());
    for (String path : paths) {
      result = result.plus(readOne(path));
    }
    return result;
  }

  private ReadResult readOne(String name) {
    if (name.equals("-")) {
      try {
        return parse("<stdin>", decode(stdin.readAllBytes()));
      } catch (IOException e) {
        return failed("<stdin>", "cannot be read: " + e.getMessage());
      }
    }
    Path path = Path.of(name);
    if (Files.isDirectory(path)) {
      List<Path> files;
      try (Stream<Path> listing = Files.list(path)) {
        files = listing.filter(Inputs::isYaml).sorted().toList();
      } catch (IOException e) {
        return failed(name, "cannot be listed: " + e.getMessage());
      }
      if (files.isEmpty()) {
        return failed(name, "is a directory with no .yaml or .yml files");
      }
      ReadResult result = new ReadResult(List.of(), List.of());
      for (Path file : files) {
        result = result.plus(readFile(file.toString(), file));
      }
      return result;
    }
    return readFile(name, path);
  }

  private ReadResult readFile(String name, Path path) {
    if (!Files.exists(path)) {
      return failed(name, "no such file");
    }
    try {
      return parse(name, decode(Files.readAllBytes(path)));
    } catch (CharacterCodingException e) {
      return failed(name, "is not UTF-8 text");
    } catch (IOException e) {
      return failed(name, "cannot be read: " + e.getMessage());
    }
  }

  private ReadResult parse(String source, String text) {
    ReadResult read = ManifestReader.read(source, text, used);
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

  private static String decode(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static ReadResult failed(String source, String message) {
    return new ReadResult(
        List.of(),
        new ArrayList<>(List.of(ManifestProblem.of(source, null, new FieldError("", message)))));
  }
}

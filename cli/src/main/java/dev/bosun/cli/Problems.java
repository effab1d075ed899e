package dev.bosun.cli;

import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.gpu.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints problems, one a line in the order of the inputs, and gives the exit code of invalid input.
 */
public final class Problems {
  private Problems() {}

  public static int report(PrintWriter err, List<ManifestProblem> problems) {
    // Reading and compiling find problems in two passes; a reader wants them file by file, document
    // by document.
    Map<String, List<ManifestProblem>> bySource = new LinkedHashMap<>();
    problems.forEach(
        problem -> bySource.computeIfAbsent(problem.source(), s -> new ArrayList<>()).add(problem));
    bySource.values().stream()
        .flatMap(list -> list.stream().sorted(Comparator.comparingInt(ManifestProblem::document)))
        .forEach(err::println);
    err.flush();
    return ExitCodes.INVALID_INPUT;
  }
}

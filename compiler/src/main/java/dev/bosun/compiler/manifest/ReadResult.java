package dev.bosun.compiler.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * What reading sources gave: the objects that passed, every problem of those that did not, and what
 * the reading used of the call's limits.
 */
public record ReadResult(
    List<Manifest> manifests, List<ManifestProblem> problems, ManifestLimits.Usage usage) {

  public ReadResult {
    manifests = List.copyOf(manifests);
    problems = List.copyOf(problems);
  }

  /** A result that used nothing of the call's limits, such as an input that could not be opened. */
  public ReadResult(List<Manifest> manifests, List<ManifestProblem> problems) {
    this(manifests, problems, ManifestLimits.Usage.NONE);
  }

  public ReadResult plus(ReadResult other) {
    List<Manifest> allManifests = new ArrayList<>(manifests);
    allManifests.addAll(other.manifests);
    List<ManifestProblem> allProblems = new ArrayList<>(problems);
    allProblems.addAll(other.problems);
    return new ReadResult(allManifests, allProblems, usage.plus(other.usage));
  }

  public <T> List<T> objectsOf(Class<T> type) {
    return manifests.stream()
        .map(Manifest::object)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}

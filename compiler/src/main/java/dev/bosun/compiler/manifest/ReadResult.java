package dev.bosun.compiler.manifest;

import java.util.ArrayList;
import java.util.List;

/** What reading sources gave: the objects that passed, and every problem of those that did not. */
public record ReadResult(List<Manifest> manifests, List<ManifestProblem> problems) {

  public ReadResult {
    manifests = List.copyOf(manifests);
    problems = List.copyOf(problems);
  }

  public ReadResult plus(ReadResult other) {
    List<Manifest> allManifests = new ArrayList<>(manifests);
    allManifests.addAll(other.manifests);
    List<ManifestProblem> allProblems = new ArrayList<>(problems);
    allProblems.addAll(other.problems);
    return new ReadResult(allManifests, allProblems);
  }

  public <T> List<T> objectsOf(Class<T> type) {
    return manifests.stream()
        .map(Manifest::object)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}

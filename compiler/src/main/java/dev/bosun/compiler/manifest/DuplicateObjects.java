package dev.bosun.compiler.manifest;

import dev.bosun.compiler.FieldError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects given more than once in one call: the same kind, namespace and name in one file, in two
 * files, or in a file named twice. Each would compile to the same Deployment, Service and so on,
 * and the last applied would win, so a call takes every object once.
 */
public final class DuplicateObjects {
  private DuplicateObjects() {}

  /** What makes two objects the same one: a namespace left out is a namespace of its own here. */
  private record Identity(String kind, String namespace, String name) {
    static Identity of(HasMetadata object) {
      return new Identity(
          object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    }
  }

  /**
   * A problem at every object that an earlier one in {@code manifests} (in input order) already
   * gave, naming where that one is.
   */
  public static List<ManifestProblem> find(List<Manifest> manifests) {
    Map<Identity, Manifest> first = new HashMap<>();
    List<ManifestProblem> problems = new ArrayList<>();
    for (Manifest manifest : manifests) {
      Manifest earlier = first.putIfAbsent(Identity.of(manifest.object()), manifest);
      if (earlier != null) {
        problems.add(manifest.problem(new FieldError("", given(earlier, manifest))));
      }
    }
    return problems;
  }

  private static String given(Manifest earlier, Manifest again) {
    if (!earlier.source().equals(again.source())) {
      return "is also given in "
          + earlier.source()
          + " document "
          + earlier.document()
          + "; give each object once per call";
    }
    if (earlier.document() == again.document()) {
      return "is given twice: " + earlier.source() + " is named twice in this call";
    }
    return "is also given in document "
        + earlier.document()
        + " of the same file; give each object once per call";
  }
}

package dev.bosun.compiler.manifest;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.InvalidWorkloadException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Compiles the Workloads that were read, each with its tier from a catalog and an optional Environment. */
public final class Renderer {
  /** The objects of every Workload that compiled, and the problems of every one that did not. */
  public record Rendered(List<HasMetadata> objects, List<ManifestProblem> problems) {}

  private Renderer() {}

  public static Rendered render(List<Manifest> manifests, TierCatalog catalog, Environment environment) {
    List<HasMetadata> objects = new ArrayList<>();
    List<ManifestProblem> problems = new ArrayList<>();
    for (Manifest manifest : manifests) {
      if (!(manifest.object() instanceof Workload workload)) {
        continue;
      }
      Optional<Tier> tier = catalog.find(workload.getSpec().size());
      if (tier.isEmpty()) {
        problems.add(manifest.problem(catalog.missing(workload.getSpec().size())));
        continue;
      }
      try {
        objects.addAll(Compiler.compile(workload, tier.get(), environment));
      } catch (InvalidWorkloadException e) {
        e.problems().forEach(problem -> problems.add(manifest.problem(problem)));
      }
    }
    return new Rendered(objects, problems);
  }
}

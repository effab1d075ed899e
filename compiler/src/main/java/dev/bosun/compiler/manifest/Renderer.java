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

/**
 * Compiles the Workloads that were read, each with its tier from a catalog and an optional
 * Environment.
 */
public final class Renderer {
  /** The objects of every Workload that compiled, and the problems of every one that did not. */
  public record Rendered(List<HasMetadata> objects, List<ManifestProblem> problems) {}

  private Renderer() {}

  public static Rendered render(
      List<Manifest> manifests, TierCatalog catalog, Environment environment) {
    List<HasMetadata> objects = new ArrayList<>();
    List<ManifestProblem> problems = new ArrayList<>();
    for (Rendered rendered :
        Streams.of(manifests).map(manifest -> render(manifest, catalog, environment)).toList()) {
      objects.addAll(rendered.objects());
      problems.addAll(rendered.problems());
    }
    return new Rendered(objects, problems);
  }

  /**
   * What {@code bosun validate} reports beyond reading: every Workload compiled, the Tiers that
   * {@code read} holds known beside the catalog's, so a Workload is checked beside its new Tier.
   */
  public static List<ManifestProblem> validate(
      ReadResult read, TierCatalog catalog, Environment environment) {
    List<Tier> known = new ArrayList<>(catalog.all());
    known.addAll(read.objectsOf(Tier.class));
    return render(read.manifests(), TierCatalog.of(known), environment).problems();
  }

  private static Rendered render(Manifest manifest, TierCatalog catalog, Environment environment) {
    if (!(manifest.object() instanceof Workload workload)) {
      return new Rendered(List.of(), List.of());
    }
    Optional<Tier> tier = catalog.find(workload.getSpec().size());
    if (tier.isEmpty()) {
      return new Rendered(
          List.of(), List.of(manifest.problem(catalog.missing(workload.getSpec().size()))));
    }
    try {
      return new Rendered(Compiler.compile(workload, tier.get(), environment), List.of());
    } catch (InvalidWorkloadException e) {
      return new Rendered(List.of(), e.problems().stream().map(manifest::problem).toList());
    }
  }
}

package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.TierCatalog;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's examples and the tests' own inputs, read the way the CLI reads them. */
final class Fixtures {
  static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  static final Path EXAMPLES = REPOSITORY.resolve("examples");
  static final Path TEST_WORKLOADS = Path.of("src/test/resources/workloads");
  static final Path TEST_SANDBOXES = Path.of("src/test/resources/sandboxes");
  static final TierCatalog DEFAULT_TIERS = TierCatalog.defaults();

  private Fixtures() {}

  static ReadResult read(Path file) {
    try {
      ReadResult result =
          ManifestReader.read(file.getFileName().toString(), Files.readString(file));
      assertThat(result.problems()).as("problems of %s", file).isEmpty();
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> yamlFiles(Path directory) {
    return yamlFilesWithSuffix(directory, ".yaml");
  }

  static List<Path> yamlFilesWithSuffix(Path directory, String suffix) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Environment environment(String name) {
    return read(EXAMPLES.resolve("environments").resolve(name + ".yaml"))
        .objectsOf(Environment.class)
        .getFirst();
  }

  /** The default catalog plus the Tiers of {@code extra}. */
  static TierCatalog catalogWith(ReadResult extra) {
    List<Tier> tiers = new ArrayList<>(DEFAULT_TIERS.all());
    tiers.addAll(extra.objectsOf(Tier.class));
    return TierCatalog.of(tiers);
  }

  /** Every Workload of the examples and of the tests' inputs, each with its tier. */
  static List<Workload> allWorkloads() {
    List<Workload> workloads = new ArrayList<>();
    Stream.concat(yamlFiles(EXAMPLES).stream(), yamlFiles(TEST_WORKLOADS).stream())
        .forEach(file -> workloads.addAll(read(file).objectsOf(Workload.class)));
    return workloads;
  }

  static TierCatalog allTiers() {
    ReadResult extra = new ReadResult(List.of(), List.of());
    for (Path file : yamlFiles(TEST_WORKLOADS)) {
      extra = extra.plus(read(file));
    }
    return catalogWith(extra);
  }

  /** A Sandbox with its template and tier, as one file of {@link #TEST_SANDBOXES} gives them. */
  record SandboxInput(String name, Sandbox sandbox, SandboxTemplate template, Tier tier) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Every file of {@link #TEST_SANDBOXES}: a SandboxTemplate, a Sandbox and, when the default
   * catalog lacks it, a Tier. The manifest reader reads only what {@code bosun render} takes, so
   * these are read by fabric8.
   */
  static List<SandboxInput> sandboxInputs() {
    List<SandboxInput> inputs = new ArrayList<>();
    for (Path file : yamlFiles(TEST_SANDBOXES)) {
      Sandbox sandbox = null;
      SandboxTemplate template = null;
      List<Tier> tiers = new ArrayList<>(DEFAULT_TIERS.all());
      try {
        for (String document : Files.readString(file).split("(?m)^---$")) {
          String kind =
              Serialization.unmarshal(document, GenericKubernetesResource.class).getKind();
          switch (kind) {
            case "Sandbox" -> sandbox = Serialization.unmarshal(document, Sandbox.class);
            case "SandboxTemplate" ->
                template = Serialization.unmarshal(document, SandboxTemplate.class);
            case "Tier" -> tiers.add(Serialization.unmarshal(document, Tier.class));
            default -> throw new IllegalArgumentException(file + ": unexpected kind " + kind);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Tier tier = TierCatalog.of(tiers).find(template.getSpec().size()).orElseThrow();
      inputs.add(
          new SandboxInput(
              file.getFileName().toString().replace(".yaml", ""), sandbox, template, tier));
    }
    return inputs;
  }
}

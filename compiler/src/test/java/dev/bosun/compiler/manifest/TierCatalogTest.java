package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The default catalog is read without its schema at run time ({@link ManifestReader#readBuiltIn}),
 * so here every file of it must pass the full check, and be what the catalog hands out.
 */
class TierCatalogTest {
  private static final Path TIERS = Path.of("../deploy/tiers");

  @Test
  void everyDefaultTierPassesTheSchemaAndIsWhatTheCatalogGives() throws IOException {
    TierCatalog catalog = TierCatalog.defaults();
    List<Path> files;
    try (Stream<Path> listing = Files.list(TIERS)) {
      files =
          listing
              .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
              .sorted()
              .toList();
    }
    assertThat(files).hasSize(catalog.all().size());
    for (Path file : files) {
      ReadResult checked = ManifestReader.read(file.toString(), Files.readString(file));
      assertThat(checked.problems()).as(file.toString()).isEmpty();
      Tier tier = checked.objectsOf(Tier.class).getFirst();
      assertThat(tier.getMetadata().getName() + ".yaml").isEqualTo(file.getFileName().toString());
      assertThat(catalog.find(tier.getMetadata().getName())).contains(tier);
    }
  }

  @Test
  void anUnknownTierIsNotFoundAndTheClosestIsSuggested() {
    TierCatalog catalog = TierCatalog.defaults();
    assertThat(catalog.find("gpu-mm")).isEmpty();
    assertThat(catalog.missing("gpu-mm").message())
        .isEqualTo("tier \"gpu-mm\" does not exist (did you mean gpu-m?)");
  }

  @Test
  void aCatalogOfGivenTiersFindsThemByName() {
    Tier gpuM = TierCatalog.defaults().find("gpu-m").orElseThrow();
    TierCatalog catalog = TierCatalog.of(List.of(gpuM));
    assertThat(catalog.find("gpu-m")).contains(gpuM);
    assertThat(catalog.find("cpu-s")).isEmpty();
    assertThat(catalog.all()).containsExactly(gpuM);
  }
}

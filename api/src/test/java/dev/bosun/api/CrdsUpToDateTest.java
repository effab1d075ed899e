package dev.bosun.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed in deploy/crds are the ones this build generates from the API classes. When
 * this fails, regenerate them: {@code ./mvnw -pl api process-classes -Pupdate-crds}.
 */
class CrdsUpToDateTest {
  private static final Path GENERATED = Path.of("target/crds");
  private static final Path COMMITTED = Path.of("../deploy/crds");

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<String> generated = names(GENERATED);
    assertThat(generated)
        .containsExactlyInAnyOrder(
            "deploymentagentpolicies.bosun.dev-v1.yml",
            "environments.bosun.dev-v1.yml",
            "gpuhealthpolicies.bosun.dev-v1.yml",
            "gpunodehealths.bosun.dev-v1.yml",
            "sandboxclaims.bosun.dev-v1.yml",
            "sandboxes.bosun.dev-v1.yml",
            "sandboxtemplates.bosun.dev-v1.yml",
            "sandboxwarmpools.bosun.dev-v1.yml",
            "tiers.bosun.dev-v1.yml",
            "workloads.bosun.dev-v1.yml");
    assertThat(names(COMMITTED))
        .as("CRD files in deploy/crds")
        .containsExactlyInAnyOrderElementsOf(generated);
    for (String name : generated) {
      assertThat(Files.readString(COMMITTED.resolve(name)))
          .as("deploy/crds/%s is stale: run ./mvnw -pl api process-classes -Pupdate-crds", name)
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).toList();
    }
  }
}

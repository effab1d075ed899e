package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.compiler.manifest.Output;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.Renderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiler's output for every example (and the tests' own inputs) against a reviewed golden
 * file. After an intended change: {@code ./mvnw -pl compiler test -Dbosun.updateGolden=true}, then
 * review the diff of {@code src/test/resources/golden}.
 */
class GoldenFilesTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("bosun.updateGolden");

  static Stream<Arguments> inputs() {
    List<Arguments> inputs = new ArrayList<>();
    for (Path example : Fixtures.yamlFiles(Fixtures.EXAMPLES)) {
      String name = example.getFileName().toString().replace(".yaml", "");
      inputs.add(Arguments.of(example, null, name + ".yaml"));
      inputs.add(Arguments.of(example, "staging", name + ".staging.yaml"));
    }
    for (String example : List.of("chat", "embeddings", "finetune")) {
      inputs.add(
          Arguments.of(
              Fixtures.EXAMPLES.resolve(example + ".yaml"),
              "production",
              example + ".production.yaml"));
    }
    for (Path input : Fixtures.yamlFiles(Fixtures.TEST_WORKLOADS)) {
      inputs.add(Arguments.of(input, null, input.getFileName().toString()));
    }
    return inputs.stream();
  }

  static Stream<Fixtures.SandboxInput> sandboxes() {
    return Fixtures.sandboxInputs().stream();
  }

  /** A Sandbox's pod and children, as the operator makes them, against {@code golden/sandboxes}. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sandboxes")
  void sandboxesMakeTheGoldenFile(Fixtures.SandboxInput input) throws IOException {
    assertThat(SandboxObjects.check(input.sandbox(), input.template(), input.tier())).isEmpty();
    SandboxObjects.Desired desired =
        SandboxObjects.of(input.sandbox(), input.template(), input.tier());
    List<HasMetadata> objects = new ArrayList<>(desired.children());
    objects.add(desired.pod());
    compareWithGolden(Output.yaml(objects), GOLDEN.resolve("sandboxes").resolve(input + ".yaml"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("inputs")
  void compilesToTheGoldenFile(Path input, String environmentName, String goldenName)
      throws IOException {
    ReadResult read = Fixtures.read(input);
    Environment environment =
        environmentName == null ? null : Fixtures.environment(environmentName);
    Renderer.Rendered rendered =
        Renderer.render(read.manifests(), Fixtures.catalogWith(read), environment);
    assertThat(rendered.problems()).isEmpty();
    assertThat(rendered.objects()).isNotEmpty();
    compareWithGolden(Output.yaml(rendered.objects()), GOLDEN.resolve(goldenName));
  }

  private static void compareWithGolden(String actual, Path golden) throws IOException {
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual);
    }
    assertThat(golden)
        .as("golden file %s (create it with -Dbosun.updateGolden=true)", golden)
        .exists();
    assertThat(actual).isEqualTo(Files.readString(golden));
  }
}

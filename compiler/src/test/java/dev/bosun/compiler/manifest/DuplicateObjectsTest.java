package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Two objects of the same kind, namespace and name in one call are an error naming both places. */
class DuplicateObjectsTest {
  private static final String CHAT =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata: {name: chat%s}
      spec: {type: Batch, image: "registry.example.com/acme/batch:1", size: cpu-m}
      """;

  private static List<String> duplicates(ReadResult... reads) {
    ReadResult all = new ReadResult(List.of(), List.of());
    for (ReadResult read : reads) {
      all = all.plus(read);
    }
    assertThat(all.problems()).isEmpty();
    return DuplicateObjects.find(all.manifests()).stream().map(ManifestProblem::toString).toList();
  }

  @Test
  void inOneFile() {
    String file = CHAT.formatted("") + "---\n" + CHAT.formatted("");
    assertThat(duplicates(ManifestReader.read("a.yaml", file)))
        .containsExactly(
            "a.yaml: Workload/chat: is also given in document 1 of the same file; give each"
                + " object once per call");
  }

  @Test
  void inTwoFiles() {
    assertThat(
            duplicates(
                ManifestReader.read("a.yaml", CHAT.formatted("")),
                ManifestReader.read("b.yaml", CHAT.formatted(""))))
        .containsExactly(
            "b.yaml: Workload/chat: is also given in a.yaml document 1; give each object once per"
                + " call");
  }

  @Test
  void aFileNamedTwice() {
    ReadResult once = ManifestReader.read("a.yaml", CHAT.formatted(""));
    assertThat(duplicates(once, once))
        .containsExactly(
            "a.yaml: Workload/chat: is given twice: a.yaml is named twice in this call");
  }

  @Test
  void anotherNamespaceOrKindIsAnotherObject() {
    String tier =
        """
        apiVersion: bosun.dev/v1alpha1
        kind: Tier
        metadata: {name: chat}
        spec: {description: a tier named like the Workload, resources: {cpu: "1", memory: 1Gi}}
        """;
    assertThat(
            duplicates(
                ManifestReader.read("a.yaml", CHAT.formatted("")),
                ManifestReader.read("b.yaml", CHAT.formatted(", namespace: other")),
                ManifestReader.read("c.yaml", tier)))
        .isEmpty();
  }
}

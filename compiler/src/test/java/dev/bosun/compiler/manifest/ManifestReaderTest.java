package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Bad input, as the issue lists it: each gets a clear message with its file, object and field path.
 */
class ManifestReaderTest {
  private static final TierCatalog TIERS = TierCatalog.defaults();

  private static final String CHAT =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata:
        name: chat
      spec:
        type: Inference
        image: registry.example.com/acme/chat:1.0
        size: gpu-m
        port: 8000
        replicas: {min: 2, max: 6}
      """;

  private static List<String> problems(String yaml) {
    ReadResult read = ManifestReader.read("chat.yaml", yaml);
    List<ManifestProblem> problems = new ArrayList<>(read.problems());
    problems.addAll(Renderer.render(read.manifests(), TIERS, null).problems());
    return problems.stream().map(ManifestProblem::toString).toList();
  }

  /**
   * Many documents are read and rendered on several threads; what comes out is still in input
   * order.
   */
  @Test
  void manyDocumentsKeepTheirOrderInObjectsProblemsAndOutput() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      String size = i % 10 == 3 ? "gpu-mm" : "cpu-m";
      String port = i % 10 == 7 ? "0" : "8000";
      yaml.append(
              CHAT.replace("name: chat", "name: w-" + i)
                  .replace("size: gpu-m", "size: " + size)
                  .replace("port: 8000", "port: " + port)
                  .replace("type: Inference", "type: Service"))
          .append("---\n");
    }
    ReadResult read = ManifestReader.read("many.yaml", yaml.toString());
    Renderer.Rendered rendered = Renderer.render(read.manifests(), TIERS, null);

    assertThat(read.problems())
        .hasSize(15)
        .allSatisfy(p -> assertThat(p.toString()).contains("spec.port"));
    assertThat(read.problems()).extracting(ManifestProblem::document).isSorted();
    assertThat(rendered.problems())
        .hasSize(15)
        .allSatisfy(p -> assertThat(p.toString()).contains("gpu-mm"));
    assertThat(rendered.problems()).extracting(ManifestProblem::document).isSorted();
    List<String> names =
        read.objectsOf(Workload.class).stream().map(w -> w.getMetadata().getName()).toList();
    assertThat(names)
        .hasSize(135)
        .isSortedAccordingTo(Comparator.comparingInt(n -> Integer.parseInt(n.substring(2))));
    String oneByOne =
        rendered.objects().stream().map(o -> Output.yaml(List.of(o))).collect(Collectors.joining());
    assertThat(Output.yaml(rendered.objects())).isEqualTo(oneByOne);
  }

  @Test
  void aValidWorkloadReadsWithoutProblems() {
    ReadResult read = ManifestReader.read("chat.yaml", CHAT);
    assertThat(read.problems()).isEmpty();
    assertThat(read.objectsOf(Workload.class))
        .singleElement()
        .satisfies(w -> assertThat(w.getSpec().replicas().max()).isEqualTo(6));
  }

  @Test
  void aMisspeltTierIsNamedWithASuggestion() {
    assertThat(problems(CHAT.replace("size: gpu-m", "size: gpu-mm")))
        .containsExactly(
            "chat.yaml: Workload/chat: spec.size: tier \"gpu-mm\" does not exist (did you mean gpu-m?)");
  }

  @Test
  void syntaxErrorsGiveLineAndColumn() {
    assertThat(problems(CHAT.replace("  port: 8000", "  port: [8000")))
        .singleElement()
        .asString()
        .startsWith("chat.yaml:10:")
        .contains("YAML syntax error");
  }

  @Test
  void unknownFieldsAreRejectedWithASuggestion() {
    assertThat(problems(CHAT.replace("  port: 8000", "  prot: 8000")))
        .contains("chat.yaml: Workload/chat: spec.prot: unknown field (did you mean port?)");
  }

  @Test
  void everyDocumentOfAFileIsValidatedAndEveryProblemReported() {
    String two =
        CHAT.replace("type: Inference", "type: Inferense")
            + "---\n"
            + CHAT.replace("name: chat", "name: chat-2").replace("max: 6", "max: 1");
    assertThat(problems(two))
        .containsExactlyInAnyOrder(
            "chat.yaml: Workload/chat: spec.type: \"Inferense\" is not one of Batch, Inference, Service, Training (did you mean Inference?)",
            "chat.yaml: Workload/chat-2: spec.replicas: min must be less than or equal to max");
  }

  @Test
  void emptyInputIsAProblem() {
    assertThat(problems("")).containsExactly("chat.yaml: has no YAML documents");
    assertThat(problems("# only a comment\n---\n"))
        .containsExactly("chat.yaml: has no YAML documents");
  }

  @Test
  void fieldsOfTheWrongTypeAreRejectedWithTheReason() {
    String training =
        CHAT.replace("type: Inference", "type: Training")
            .replace("  replicas: {min: 2, max: 6}\n", "");
    assertThat(problems(training))
        .containsExactly(
            "chat.yaml: Workload/chat: spec.port: port applies to Service and Inference only (this Workload is of type Training)");

    String service =
        CHAT.replace("type: Inference", "type: Service").replace("size: gpu-m", "size: cpu-m")
            + "  parallelism: 4\n";
    assertThat(problems(service))
        .containsExactly(
            "chat.yaml: Workload/chat: spec.parallelism: parallelism applies to Training and Batch only; use replicas (this Workload is of type Service)");
  }

  @Test
  void aGpuTierOnATypeThatCannotUseItIsRejected() {
    assertThat(problems(CHAT.replace("type: Inference", "type: Service")))
        .containsExactly(
            "chat.yaml: Workload/chat: spec.size: GPU tier \"gpu-m\" does not run Service workloads (it allows Inference, Training, Batch)");
  }

  @Test
  void anImageWithoutTagOrDigestIsRejected() {
    assertThat(problems(CHAT.replace("acme/chat:1.0", "acme/chat")))
        .containsExactly(
            "chat.yaml: Workload/chat: spec.image: \"registry.example.com/acme/chat\" must name a tag or a digest,"
                + " such as registry.example.com/team/app:1.4.2 or ...@sha256:<64 hex digits>");
  }

  @Test
  void missingRequiredFieldsAndWrongKindsAreNamed() {
    assertThat(
            problems(
                "apiVersion: bosun.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec: {type: Batch}\n"))
        .containsExactlyInAnyOrder(
            "chat.yaml: Workload/x: spec.image: is required",
            "chat.yaml: Workload/x: spec.size: is required");
    assertThat(problems("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {}\n"))
        .containsExactlyInAnyOrder(
            "chat.yaml: Deployment/x: kind: \"Deployment\" is not a Bosun kind; expected one of Environment, Sandbox, SandboxClaim, SandboxTemplate, SandboxWarmPool, Tier, Workload",
            "chat.yaml: Deployment/x: apiVersion: \"apps/v1\" is not served; use bosun.dev/v1alpha1");
    assertThat(problems("- just\n- a list\n"))
        .containsExactly(
            "chat.yaml: document 1: must be a mapping with apiVersion, kind, metadata and spec");
  }

  @Test
  void quantitiesAndNumbersMustHaveTheirSchemaType() {
    String tier =
        """
        apiVersion: bosun.dev/v1alpha1
        kind: Tier
        metadata: {name: tiny}
        spec:
          description: tiny
          resources: {cpu: 2, memory: lots}
        """;
    assertThat(problems(tier))
        .containsExactlyInAnyOrder(
            "chat.yaml: Tier/tiny: spec.resources.cpu: must be a string (quote it: \"2\")",
            "chat.yaml: Tier/tiny: spec.resources.memory: \"lots\" must be a quantity such as 500m, 4 or 16Gi");
  }

  @Test
  void environmentsAreClusterScoped() {
    String env =
        "apiVersion: bosun.dev/v1alpha1\nkind: Environment\nmetadata: {name: prod, namespace: x}\nspec: {namespace: prod}\n";
    assertThat(problems(env))
        .containsExactly(
            "chat.yaml: Environment/prod: metadata.namespace: Environment is cluster-scoped and takes no namespace");
    assertThat(
            ManifestReader.read("e.yaml", env.replace(", namespace: x", ""))
                .objectsOf(Environment.class))
        .hasSize(1);
  }
}

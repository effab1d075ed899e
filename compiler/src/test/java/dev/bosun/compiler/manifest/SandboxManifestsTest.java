package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sandbox kinds read and checked against their CRD schemas, as `bosun validate` does before an API
 * server sees them: each bad field named with its path and the reason.
 */
class SandboxManifestsTest {
  private static final Path EXAMPLE =
      Path.of("..").toAbsolutePath().normalize().resolve("examples/sandboxes/coder.yaml");

  private static final String TEMPLATE =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: SandboxTemplate
      metadata: {name: coder, namespace: agents}
      spec:
        size: cpu-s
        image: registry.example.com/acme/coder:1.0
        egress: [{cidr: 0.0.0.0/0}]
        lifecycle: {ttl: 2h, idleTimeout: 15m, shutdownPolicy: Retain}
      """;

  @Test
  void theExampleReadsWithoutProblems() throws IOException {
    ReadResult read = ManifestReader.read("coder.yaml", Files.readString(EXAMPLE));

    assertThat(read.problems()).isEmpty();
    SandboxTemplate template = read.objectsOf(SandboxTemplate.class).getFirst();
    assertThat(template.getSpec().lifecycle().shutdownPolicy()).isEqualTo(ShutdownPolicy.Retain);
    assertThat(read.objectsOf(SandboxWarmPool.class).getFirst().getSpec().replicas()).isEqualTo(10);
    assertThat(read.objectsOf(SandboxClaim.class).getFirst().getSpec().sandboxTemplateRef().name())
        .isEqualTo("coder");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ttl: 2h                  | ttl: -1h                | spec.lifecycle.ttl: \"-1h\" must be a positive duration",
        "idleTimeout: 15m         | idleTimeout: 0s         | spec.lifecycle.idleTimeout: \"0s\" must be a positive duration",
        "shutdownPolicy: Retain   | shutdownPolicy: Keep    | spec.lifecycle.shutdownPolicy: \"Keep\" is not one of Delete, Retain",
        "cidr: 0.0.0.0/0          | cidr: example.com       | spec.egress[0].cidr: \"example.com\" must be a CIDR block",
        "size: cpu-s              | size: CPU_S             | spec.size: \"CPU_S\" must be lower case letters",
        "image: registry.example.com/acme/coder:1.0 | image: coder | spec.image: \"coder\" must name a tag or a digest",
        "size: cpu-s              | sise: cpu-s             | spec.sise: unknown field (did you mean size?)",
      })
  void aBadTemplateFieldIsNamed(String good, String bad, String problem) {
    ReadResult read = ManifestReader.read("t.yaml", TEMPLATE.replace(good, bad));

    assertThat(read.problems()).map(ManifestProblem::toString).anyMatch(p -> p.contains(problem));
  }

  @Test
  void anEnvVarCannotNameASecretOfAnotherNamespace() {
    ReadResult read =
        ManifestReader.read(
            "t.yaml",
            TEMPLATE + "  env: [{name: KEY, secret: {name: other-ns/api-key, key: key}}]\n");

    assertThat(read.problems())
        .map(ManifestProblem::toString)
        .containsExactly(
            "t.yaml: SandboxTemplate/coder: spec.env[0].secret.name: \"other-ns/api-key\" must be"
                + " lower case letters, digits and '-', starting and ending with a letter or digit");
  }

  @Test
  void aPoolCannotHaveNegativeReplicasAndASandboxNeedsATemplate() {
    ReadResult read =
        ManifestReader.read(
            "p.yaml",
            """
            apiVersion: bosun.dev/v1alpha1
            kind: SandboxWarmPool
            metadata: {name: p, namespace: agents}
            spec: {replicas: -1, sandboxTemplateRef: {name: coder}}
            ---
            apiVersion: bosun.dev/v1alpha1
            kind: Sandbox
            metadata: {name: s, namespace: agents}
            spec: {operatingMode: Paused}
            """);

    assertThat(read.problems())
        .map(ManifestProblem::toString)
        .containsExactlyInAnyOrder(
            "p.yaml: SandboxWarmPool/p: spec.replicas: must be at least 0",
            "p.yaml: Sandbox/s: spec.operatingMode: \"Paused\" is not one of Running, Suspended",
            "p.yaml: Sandbox/s: spec.sandboxTemplateRef: is required");
  }
}

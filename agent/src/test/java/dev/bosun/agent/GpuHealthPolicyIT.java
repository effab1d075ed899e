package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.gpu.classify.GpuHealthPolicy;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API server itself rejects a bad GpuHealthPolicy and names the field, and accepts the default
 * policy shipped in deploy/ without pruning any of it, so that neither the schema nor the file can
 * rot.
 */
@ExtendWith(LocalClusterExtension.class)
class GpuHealthPolicyIT {
  static final Path CRD = Path.of("../deploy/crds/gpuhealthpolicies.bosun.dev-v1.yml");
  static final Path DEFAULT_POLICY = Path.of("../deploy/gpu-health-policy/default.yaml");
  private static final String NAME = "gpu-health-policy-it";

  KubernetesClient client;

  @BeforeEach
  void crd(KubernetesClient client) {
    this.client = client;
    Crds.apply(client, CRD);
  }

  @AfterEach
  void deletePolicies() {
    // Cluster-scoped, and only this test writes them.
    policies().delete();
  }

  static Stream<Arguments> badSpecsAndTheFieldNamed() {
    return Stream.of(
        Arguments.of("{classification: {repeatWindow: 0m}}", "spec.classification.repeatWindow"),
        Arguments.of(
            "{classification: {companionWindow: -5m}}", "spec.classification.companionWindow"),
        Arguments.of("{recovery: {delay: 10 minutes}}", "spec.recovery.delay"),
        Arguments.of("{recovery: {quietPeriod: 1h30m}}", "spec.recovery.quietPeriod"),
        Arguments.of("{recovery: {cleanSamples: 0}}", "spec.recovery.cleanSamples"),
        Arguments.of(
            "{classification: {repeatThreshold: 1}}", "spec.classification.repeatThreshold"),
        Arguments.of(
            "{classification: {xidOverrides: [{xid: 79, faultClass: fatal}]}}",
            "spec.classification.xidOverrides[0].faultClass"),
        Arguments.of(
            "{classification: {xidOverrides: [{xid: 79, faultClass: node}, {xid: 79, faultClass: gpu}]}}",
            "spec.classification.xidOverrides"),
        Arguments.of(
            "{responses: [{faultClass: GPU, action: QuarantineGpu}]}",
            "spec.responses[0].faultClass"),
        Arguments.of("{responses: [{faultClass: gpu, action: Drain}]}", "spec.responses[0].action"),
        Arguments.of(
            "{responses: [{faultClass: gpu, action: Report}, {faultClass: gpu, action: QuarantineGpu}]}",
            "spec.responses"),
        Arguments.of("{effect: Evict}", "spec.effect"),
        Arguments.of(
            "{breaker: {maxQuarantined: 150%, window: 10m}}", "spec.breaker.maxQuarantined"),
        Arguments.of("{breaker: {maxQuarantined: -1, window: 10m}}", "spec.breaker.maxQuarantined"),
        Arguments.of(
            "{breaker: {maxQuarantined: ten, window: 10m}}", "spec.breaker.maxQuarantined"),
        Arguments.of("{breaker: {maxQuarantined: 5, window: 0s}}", "spec.breaker.window"),
        Arguments.of(
            "{breaker: {maxQuarantined: 5, window: 10m, scope: Racks}}", "spec.breaker.scope"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecsAndTheFieldNamed")
  void theApiServerRejectsABadPolicyAndNamesTheField(String spec, String field) {
    assertThatThrownBy(() -> client.resource(policy(spec)).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining(field + ": ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{breaker: {maxQuarantined: 0, window: 1s}}",
        "{breaker: {maxQuarantined: 0%, window: 10m}}",
        "{breaker: {maxQuarantined: 100%, window: 10m, scope: Gpus}}",
        "{classification: {repeatingXids: [13, 13]}, effect: NoExecute, dryRun: true}"
      })
  void theApiServerAcceptsTheEdgesOfEachRange(String spec) {
    client.resource(policy(spec)).create();
  }

  @Test
  void theShippedDefaultIsAcceptedWholeAndTheAgentReadsItAsItsDefaults() throws IOException {
    GenericKubernetesResource shipped = load(DEFAULT_POLICY);
    client.resource(shipped).create();

    Object stored =
        policies()
            .withName(shipped.getMetadata().getName())
            .get()
            .getAdditionalProperties()
            .get("spec");
    // A field the schema does not know would be pruned without an error.
    assertThat(stored).isEqualTo(shipped.getAdditionalProperties().get("spec"));
    var read = new PolicyReader(new KubeApi(client.getConfiguration())).read();
    assertThat(read).as("the agent reads the object deploy/ ships").isNotNull();
    assertThat(NodeSidePolicy.from(read)).isEqualTo(GpuHealthPolicy.defaults());
  }

  private GenericKubernetesResource policy(String spec) {
    return client
        .getKubernetesSerialization()
        .unmarshal(
            "apiVersion: bosun.dev/v1alpha1\nkind: GpuHealthPolicy\nmetadata: {name: "
                + NAME
                + "}\nspec: "
                + spec,
            GenericKubernetesResource.class);
  }

  private MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      policies() {
    return client.genericKubernetesResources("bosun.dev/v1alpha1", "GpuHealthPolicy");
  }

  private GenericKubernetesResource load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return client.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
    }
  }
}

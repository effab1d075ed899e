package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentPromotion;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.LoadTestGate;
import dev.bosun.api.v1alpha1.MalformedInputGate;
import dev.bosun.api.v1alpha1.PartialOutageGate;
import dev.bosun.api.v1alpha1.PromotionGates;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.WorkloadSlo;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class RulesTest {

  @Test
  void everyCelRuleOfTheCrdsHasItsJavaTwin() throws IOException {
    Set<String> celMessages = new HashSet<>();
    // The kinds whose files Bosun validates without a server; GpuNodeHealth is written by the agent
    // only.
    for (String kind : List.of("workloads", "tiers", "environments")) {
      Path crd = Fixtures.REPOSITORY.resolve("deploy/crds/" + kind + ".bosun.dev-v1.yml");
      collectCelMessages(
          new Load(LoadSettings.builder().build()).loadFromString(Files.readString(crd)),
          celMessages);
    }
    assertThat(celMessages).hasSizeGreaterThanOrEqualTo(10);
    assertThat(Rules.celMessages()).containsExactlyInAnyOrderElementsOf(celMessages);
  }

  private static void collectCelMessages(Object yaml, Set<String> messages) {
    if (yaml instanceof Map<?, ?> map) {
      if (map.get("x-kubernetes-validations") instanceof List<?> rules) {
        rules.forEach(rule -> messages.add((String) ((Map<?, ?>) rule).get("message")));
      }
      map.values().forEach(value -> collectCelMessages(value, messages));
    } else if (yaml instanceof List<?> list) {
      list.forEach(item -> collectCelMessages(item, messages));
    }
  }

  @Test
  void aMigTierCannotScaleOnGpuUtilisationWhichNvmlDoesNotReportPerInstance() {
    assertThat(Rules.checkTier(Fixtures.DEFAULT_TIERS.find("gpu-s").orElseThrow())).isEmpty();
    Tier mig =
        new KubernetesSerialization()
            .unmarshal(
                """
                apiVersion: bosun.dev/v1alpha1
                kind: Tier
                metadata: {name: mig-s}
                spec:
                  resources: {cpu: "4", memory: 16Gi}
                  gpu: {count: 1, allocation: DRA, sharing: MIG, migProfile: 1g.10gb}
                  scaling:
                  - workloadType: Inference
                    signals:
                    - {metric: requestsWaiting, target: 4}
                    - {metric: gpu, target: 70}
                """,
                Tier.class);

    assertThat(Rules.checkTier(mig))
        .extracting(FieldError::toString)
        .containsExactly("spec.scaling[0].signals[1].metric: " + Rules.GPU_ON_MIG);
  }

  @Test
  void productionPoliciesApply() {
    Environment production = Fixtures.environment("production");
    var spec =
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Inference)
            .withImage("registry.example.com/a/b:1.0")
            .withSize("gpu-m")
            .withPort(8000)
            .withReplicas(new Replicas(1, 3))
            .build();
    var workload = Workloads.workload("chat", spec);
    workload.getMetadata().setNamespace("staging");
    List<FieldError> problems =
        Rules.check(workload, Fixtures.DEFAULT_TIERS.find("gpu-m").orElseThrow(), production);
    assertThat(problems)
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "metadata.namespace: is \"staging\", but Environment \"production\" owns namespace \"production\"",
            "spec.image: Environment \"production\" requires images pinned by digest (...@sha256:<64 hex digits>), not a tag",
            "spec.replicas.min: 1 is below the minimum of 2 that Environment \"production\" requires");
  }

  @Test
  void theCompilerRefusesAnInvalidWorkloadWithEveryProblem() {
    var spec =
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Training)
            .withImage("registry.example.com/a/b:1.0")
            .withSize("cpu-m")
            .withPort(8000)
            .withReplicas(new Replicas(3, 2))
            .withParallelism(4)
            .withCompletions(2)
            .build();
    var thrown =
        catchThrowableOfType(
            InvalidWorkloadException.class,
            () ->
                Compiler.compile(
                    Workloads.workload("job", spec),
                    Fixtures.DEFAULT_TIERS.find("cpu-m").orElseThrow(),
                    null));
    assertThat(thrown.problems())
        .extracting(FieldError::path)
        .containsExactlyInAnyOrder(
            "spec.port", "spec.replicas", "spec.replicas", "spec.parallelism");
  }

  @Test
  void promotionGatesFollowTheirRulesWithTheFieldNamed() {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName("production").build());
    environment.setSpec(
        new EnvironmentSpecBuilder()
            .withNamespace("production")
            .withPromotion(
                new EnvironmentPromotion(
                    new PromotionGates(
                        null,
                        new MalformedInputGate(List.of("/v1/completions", "v1/chat")),
                        new PartialOutageGate(true))))
            .build());
    assertThat(Rules.checkEnvironment(environment))
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "spec.promotion.gates.partialOutage: " + PromotionGates.OUTAGE_NEEDS_LOAD,
            "spec.promotion.gates.malformedInput.paths[1]: " + MalformedInputGate.PATH_MESSAGE);

    environment.setSpec(
        new EnvironmentSpecBuilder(environment.getSpec())
            .withPromotion(
                new EnvironmentPromotion(
                    new PromotionGates(new LoadTestGate("11m"), null, new PartialOutageGate(true))))
            .build());
    assertThat(Rules.checkEnvironment(environment))
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.promotion.gates.loadTest.duration: " + LoadTestGate.DURATION_TOO_LONG);
  }

  @Test
  void anSloIsForServingWorkloadsOnly() {
    var spec =
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Batch)
            .withImage("registry.example.com/a/b:1.0")
            .withSize("cpu-m")
            .withSlo(new WorkloadSlo(10, "500ms", "1%"))
            .build();
    assertThat(Rules.checkWorkload(Workloads.workload("job", spec)))
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.slo: slo applies to Service and Inference only (this Workload is of type Batch)");
  }
}

package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
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
}

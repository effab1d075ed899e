package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod template the compiler can produce, for every type on every tier that runs it, is
 * restricted.
 */
class RestrictedPodSecurityTest {

  static Stream<Arguments> everyTypeOnEveryTier() {
    List<Arguments> cases = new ArrayList<>();
    for (Tier tier : Fixtures.allTiers().all()) {
      for (WorkloadType type : WorkloadType.values()) {
        if (tier.getSpec().allows(type)) {
          cases.add(Arguments.of(type, tier));
        }
      }
    }
    for (Workload workload : Fixtures.allWorkloads()) {
      cases.add(
          Arguments.of(
              workload, Fixtures.allTiers().find(workload.getSpec().size()).orElseThrow()));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("everyTypeOnEveryTier")
  void podTemplatesPassTheRestrictedStandard(Object typeOrWorkload, Tier tier) {
    Workload workload =
        typeOrWorkload instanceof Workload given
            ? given
            : Workloads.minimal(
                "probe", (WorkloadType) typeOrWorkload, tier.getMetadata().getName());
    List<HasMetadata> objects = Compiler.compile(workload, tier, null);
    List<PodSpec> pods = podSpecs(objects);
    assertThat(pods).hasSize(1);
    assertThat(RestrictedPodSecurity.violations(pods.getFirst())).isEmpty();
  }

  /** Every test sandbox, and a sandbox on every tier of the catalog. */
  static Stream<Arguments> everySandbox() {
    List<Arguments> cases = new ArrayList<>();
    for (Fixtures.SandboxInput input : Fixtures.sandboxInputs()) {
      cases.add(Arguments.of(input.toString(), input.sandbox(), input.template(), input.tier()));
    }
    for (Tier tier : Fixtures.allTiers().all()) {
      String size = tier.getMetadata().getName();
      cases.add(
          Arguments.of(
              "on " + size,
              SandboxFixtures.sandbox("probe", "t", null),
              SandboxFixtures.template("t", size, null),
              tier));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everySandbox")
  void sandboxPodsPassTheRestrictedStandardAndAreIsolated(
      String name, Sandbox sandbox, SandboxTemplate template, Tier tier) {
    PodSpec pod = SandboxObjects.of(sandbox, template, tier).pod().getSpec();
    assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
    assertThat(pod.getHostUsers()).isFalse();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getProjected()).isNull());
    assertThat(pod.getRuntimeClassName()).isNotNull();
    assertThat(pod.getContainers())
        .allSatisfy(c -> assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue());
  }

  @Test
  void theCheckerCatchesEachRuleItJudges() {
    // A check that could never fail would prove nothing: break each rule once.
    PodSpec compliant =
        podSpecs(
                Compiler.compile(
                    Workloads.minimal("probe", WorkloadType.Service, "cpu-m"),
                    Fixtures.DEFAULT_TIERS.find("cpu-m").orElseThrow(),
                    null))
            .getFirst();
    assertThat(RestrictedPodSecurity.violations(compliant)).isEmpty();

    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant).withHostNetwork(true).build()))
        .contains("host namespaces");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .addNewVolume()
                    .withName("host")
                    .withNewHostPath()
                    .withPath("/")
                    .endHostPath()
                    .endVolume()
                    .build()))
        .contains("hostPath volume host", "volume type of host");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .editFirstContainer()
                    .editSecurityContext()
                    .withAllowPrivilegeEscalation(true)
                    .endSecurityContext()
                    .endContainer()
                    .build()))
        .contains("main: allowPrivilegeEscalation is not false");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .editSecurityContext()
                    .withRunAsNonRoot(false)
                    .endSecurityContext()
                    .editFirstContainer()
                    .editSecurityContext()
                    .withRunAsNonRoot(null)
                    .endSecurityContext()
                    .endContainer()
                    .build()))
        .contains("main: runAsNonRoot is not true");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .editSecurityContext()
                    .withRunAsUser(0L)
                    .endSecurityContext()
                    .build()))
        .contains("pod runAsUser 0");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .editFirstContainer()
                    .editSecurityContext()
                    .editSeccompProfile()
                    .withType("Unconfined")
                    .endSeccompProfile()
                    .endSecurityContext()
                    .endContainer()
                    .build()))
        .contains("main: seccomp is not RuntimeDefault or Localhost");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .editFirstContainer()
                    .editSecurityContext()
                    .editCapabilities()
                    .withDrop()
                    .withAdd("SYS_ADMIN")
                    .endCapabilities()
                    .endSecurityContext()
                    .endContainer()
                    .build()))
        .contains(
            "main: capabilities do not drop ALL",
            "main: adds capability SYS_ADMIN (not even baseline allows it)");
    assertThat(
            RestrictedPodSecurity.violations(
                new PodSpecBuilder(compliant)
                    .addToInitContainers(new ContainerBuilder().withName("init").build())
                    .build()))
        .contains(
            "init: allowPrivilegeEscalation is not false", "init: capabilities do not drop ALL");
  }

  static List<PodSpec> podSpecs(List<HasMetadata> objects) {
    List<PodSpec> pods = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object instanceof Deployment deployment) {
        pods.add(deployment.getSpec().getTemplate().getSpec());
      } else if (object instanceof Job job) {
        pods.add(job.getSpec().getTemplate().getSpec());
      }
    }
    return pods;
  }
}

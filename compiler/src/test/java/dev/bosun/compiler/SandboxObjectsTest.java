package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import dev.bosun.api.v1alpha1.Tier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a Sandbox's objects are made of beyond the golden files: validation, env, lifecycle. */
class SandboxObjectsTest {
  private static final Tier CPU_S = Fixtures.DEFAULT_TIERS.find("cpu-s").orElseThrow();

  private static SandboxTemplate templateWith(List<EgressRule> egress, List<EnvVar> env) {
    return SandboxFixtures.template(
        "agent",
        "cpu-s",
        null,
        env,
        egress,
        new SandboxLifecycle("1h", "10m", ShutdownPolicy.Retain));
  }

  @Test
  void aValidSandboxHasNoProblems() {
    assertThat(
            SandboxObjects.check(
                SandboxFixtures.sandbox("alice", "agent", null),
                SandboxFixtures.template("agent", "cpu-s", null),
                CPU_S))
        .isEmpty();
  }

  @Test
  void problemsOfTheTemplateNameTheTemplateAndItsField() {
    var template = templateWith(List.of(new EgressRule("example.com", null)), null);
    assertThat(template.getSpec().egress()).hasSize(1);
    List<FieldError> problems =
        SandboxObjects.check(SandboxFixtures.sandbox("alice", "agent", null), template, CPU_S);
    assertThat(problems)
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.sandboxTemplateRef.name: SandboxTemplate \"agent\": spec.egress[0].cidr:"
                + " \"example.com\" is not a valid CIDR block");
    assertThat(SandboxObjects.checkTemplate(template, CPU_S))
        .containsExactly(
            new FieldError("spec.egress[0].cidr", "\"example.com\" is not a valid CIDR block"));
  }

  @Test
  void problemsOfTheSandboxItselfNameItsField() {
    var sandbox = new Sandbox();
    sandbox.setMetadata(SandboxFixtures.sandbox("9lives", "agent", null).getMetadata());
    sandbox.setSpec(
        new SandboxSpec(
            new ObjectName("agent"),
            null,
            List.of(EnvVar.literal("A", "1"), EnvVar.literal("A", "2")),
            new SandboxLifecycle("-5m", null, null)));
    assertThat(
            SandboxObjects.check(sandbox, SandboxFixtures.template("agent", "cpu-s", null), CPU_S))
        .extracting(FieldError::path)
        .containsExactly("metadata.name", "spec.env[1].name", "spec.lifecycle.ttl");
    assertThatThrownBy(
            () ->
                SandboxObjects.of(sandbox, SandboxFixtures.template("agent", "cpu-s", null), CPU_S))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.lifecycle.ttl");
  }

  @Test
  void theSandboxsEnvReplacesTheTemplatesByNameAndAddsTheRest() {
    assertThat(
            SandboxObjects.env(
                List.of(EnvVar.literal("A", "t"), EnvVar.literal("B", "t")),
                List.of(EnvVar.literal("C", "s"), EnvVar.literal("A", "s"))))
        .containsExactly(
            EnvVar.literal("A", "s"), EnvVar.literal("B", "t"), EnvVar.literal("C", "s"));
    assertThat(SandboxObjects.env(null, null)).isEmpty();
  }

  @Test
  void theSandboxsLifecycleOverridesTheTemplatesFieldByField() {
    var sandbox = SandboxFixtures.sandbox("alice", "agent", new SandboxLifecycle("3h", null, null));
    assertThat(SandboxObjects.lifecycle(sandbox, templateWith(null, null)))
        .isEqualTo(new SandboxLifecycle("3h", "10m", ShutdownPolicy.Retain));
    assertThat(
            SandboxObjects.lifecycle(
                SandboxFixtures.sandbox("alice", "agent", null),
                SandboxFixtures.template("agent", "cpu-s", null)))
        .isEqualTo(SandboxLifecycle.NONE);
  }
}

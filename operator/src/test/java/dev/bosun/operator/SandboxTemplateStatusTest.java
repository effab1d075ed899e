package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateStatus;
import dev.bosun.compiler.manifest.TierCatalog;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A SandboxTemplate's status: Ready with its tier, else the field and the reason. */
class SandboxTemplateStatusTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static Condition ready(SandboxTemplateStatus status) {
    return Conditions.find(status.conditions(), ConditionTypes.READY);
  }

  @Test
  void readyWhenItsTierExists() {
    SandboxTemplate template = SandboxFixtures.template("agent", "cpu-s", null);
    template.getMetadata().setGeneration(3L);
    SandboxTemplateStatus status =
        SandboxTemplateReconciler.status(
            template, TierCatalog.defaults().find("cpu-s").orElseThrow(), NOW);
    assertThat(status.observedGeneration()).isEqualTo(3L);
    assertThat(ready(status).status()).isEqualTo("True");
    assertThat(ready(status).reason()).isEqualTo(Reasons.SANDBOX_READY);
  }

  @Test
  void tierNotFoundNamesSpecSize() {
    SandboxTemplate template = SandboxFixtures.template("agent", "cpu-xxl", null);
    Condition condition = ready(SandboxTemplateReconciler.status(template, null, NOW));
    assertThat(condition.status()).isEqualTo("False");
    assertThat(condition.reason()).isEqualTo(Reasons.TIER_NOT_FOUND);
    assertThat(condition.message()).startsWith("spec.size: tier \"cpu-xxl\" does not exist");
  }

  @Test
  void anInvalidFieldIsNamed() {
    SandboxTemplate template =
        SandboxFixtures.template(
            "agent", "cpu-s", null, null, List.of(new EgressRule("300.0.0.0/8", null)), null);
    Condition condition =
        ready(
            SandboxTemplateReconciler.status(
                template, TierCatalog.defaults().find("cpu-s").orElseThrow(), NOW));
    assertThat(condition.reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(condition.message()).startsWith("spec.egress[0].cidr:");
  }
}

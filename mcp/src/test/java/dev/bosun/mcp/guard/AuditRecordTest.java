package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Reasons;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** What an audit Event says of a tool call. */
class AuditRecordTest {
  private static final AgentIdentity AGENT =
      new AgentIdentity("system:serviceaccount:ci:deployer", List.of());

  @Test
  void namesTheAgentTheToolTheArgumentsAndTheOutcome() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("workload", Map.of("spec", Map.of("env", List.of("SECRET=hunter2"))));
    arguments.put("environment", "staging");
    var record =
        AuditRecord.of(
            AGENT,
            "deploy",
            arguments,
            "refused: DeploymentAgentPolicy/ci-agent spec.environments");
    assertThat(record.reason()).isEqualTo(Reasons.AGENT_CALL_REFUSED);
    assertThat(record.warning()).isTrue();
    assertThat(record.message())
        .isEqualTo(
            "agent system:serviceaccount:ci:deployer called deploy {environment=staging,"
                + " workload={1 fields}}: refused: DeploymentAgentPolicy/ci-agent spec.environments")
        .doesNotContain("hunter2");
  }

  @Test
  void theOutcomeChoosesTheReason() {
    assertThat(AuditRecord.reason("allowed")).isEqualTo(Reasons.AGENT_CALL_ALLOWED);
    assertThat(AuditRecord.reason("failed: 403")).isEqualTo(Reasons.AGENT_CALL_FAILED);
    assertThat(AuditRecord.reason("dry run: would apply")).isEqualTo(Reasons.AGENT_CALL_DRY_RUN);
    assertThat(AuditRecord.of(AGENT, "status", null, "allowed").warning()).isFalse();
  }

  @Property
  void theMessageIsBoundedWhateverTheArguments(
      @ForAll @StringLength(max = 5000) String value,
      @ForAll @StringLength(max = 3000) String outcome) {
    var record = AuditRecord.of(AGENT, "deploy", Map.of("a", value, "b", value), outcome);
    assertThat(record.message().length()).isLessThanOrEqualTo(AuditRecord.MAX_MESSAGE);
    assertThat(record.message()).startsWith("agent " + AGENT.user() + " called deploy {a=");
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What the policy's agents use. Only the MCP server writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentAgentPolicyStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @Size(max = 8)
        @JsonPropertyDescription(
            "GpuBudgetExhausted: True while the agents may deploy nothing more that asks for"
                + " GPUs; the message gives the numbers.")
        List<Condition> conditions,
    @JsonPropertyDescription("The GPU ledger of the current day (UTC).") GpuUsage usage) {

  public DeploymentAgentPolicyStatus {
    conditions = conditions == null ? null : List.copyOf(conditions);
  }
}

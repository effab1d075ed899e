package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What the operator did under the policy. Only the operator writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuHealthPolicyStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @Size(max = 8)
        @JsonPropertyDescription(
            "BreakerTripped: True while quarantining is stopped because the budget is spent; the message says what tripped it.")
        List<Condition> conditions,
    @JsonPropertyDescription(
            "GPU nodes or GPUs (as breaker.scope counts) in quarantine now, in dry run those that would be.")
        Integer quarantined,
    @JsonPropertyDescription(
            "When the breaker last tripped (RFC 3339); absent when it never did or a person reset it.")
        String breakerTrippedAt) {

  public GpuHealthPolicyStatus {
    conditions = conditions == null ? null : List.copyOf(conditions);
  }
}

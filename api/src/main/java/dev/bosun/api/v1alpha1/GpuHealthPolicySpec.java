package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What the platform team decides about GPU faults. Every field is optional: an absent one keeps the
 * default its description names, so that a policy states only what it changes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.responses) || self.responses.all(r, self.responses.exists_one(s, s.faultClass == r.faultClass))",
    message = "each fault class may have one response",
    fieldPath = ".responses",
    reason = "FieldValueDuplicate")
public record GpuHealthPolicySpec(
    @JsonPropertyDescription("How the node agent classifies faults.")
        GpuClassification classification,
    @JsonPropertyDescription("When a faulty GPU is healthy again and taken back into service.")
        GpuRecovery recovery,
    @Size(max = 6)
        @JsonPropertyDescription(
            "What the cluster does per fault class. Absent classes: gpu and support quarantine the GPU, node quarantines the node, the others are only reported.")
        List<FaultResponse> responses,
    @JsonPropertyDescription(
            "The taint effect of a quarantine: NoSchedule (the default) keeps new work off, NoExecute also evicts running pods.")
        QuarantineEffect effect,
    @JsonPropertyDescription(
            "The most the cluster quarantines within a window; 10% of GPU nodes within 10m when absent.")
        CircuitBreaker breaker,
    @JsonPropertyDescription(
            "Report what would be quarantined (Events, metrics) and quarantine nothing; false when absent.")
        Boolean dryRun) {

  public GpuHealthPolicySpec {
    responses = responses == null ? null : List.copyOf(responses);
  }
}

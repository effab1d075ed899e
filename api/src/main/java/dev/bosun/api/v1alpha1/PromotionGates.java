package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The production-readiness gates a Workload passes, where it runs before promotion, before {@code
 * bosun promote} pins its digest here. A gate that is absent is not run. Their names in results are
 * {@link Gates}'.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.partialOutage) || !self.partialOutage.enabled || has(self.loadTest)",
    message = PromotionGates.OUTAGE_NEEDS_LOAD,
    fieldPath = ".partialOutage",
    reason = "FieldValueRequired")
public record PromotionGates(
    @JsonPropertyDescription(
            "Load at the Workload's spec.slo.requestsPerSecond through the router, held to its"
                + " spec.slo latency and error rate.")
        LoadTestGate loadTest,
    @JsonPropertyDescription(
            "Malformed requests to the Workload's HTTP endpoints: each must get an answer below"
                + " 500, and the Workload must keep serving.")
        MalformedInputGate malformedInput,
    @JsonPropertyDescription(
            "One replica taken away during the load test: the failed requests must stay within"
                + " spec.slo.errorRate.")
        PartialOutageGate partialOutage) {

  public static final String OUTAGE_NEEDS_LOAD =
      "partialOutage runs during the load test: loadTest is required";

  /** Whether any gate runs. */
  public boolean any() {
    return loadTest != null
        || malformedInput != null
        || partialOutage != null && Boolean.TRUE.equals(partialOutage.enabled());
  }
}

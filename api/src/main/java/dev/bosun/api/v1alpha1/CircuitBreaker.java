package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The most the cluster quarantines within a window. Many faults at once are more often a bad driver
 * release or a monitoring bug than many broken GPUs; past the budget Bosun stops quarantining and
 * waits for a person.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "type(self.maxQuarantined) == int ? self.maxQuarantined >= 0"
            + " : self.maxQuarantined.matches('"
            + CircuitBreaker.PERCENT
            + "')",
    message =
        "maxQuarantined must be a count of 0 or more, or a percentage from 0% to 100%, such as 10%",
    fieldPath = ".maxQuarantined",
    reason = "FieldValueInvalid")
public record CircuitBreaker(
    @Required
        @JsonPropertyDescription(
            "The most GPU nodes or GPUs in quarantine at once: a count such as 5, or a percentage of the cluster's such as 10%.")
        IntOrString maxQuarantined,
    @JsonPropertyDescription("What maxQuarantined counts: GpuNodes (the default) or Gpus.")
        BreakerScope scope,
    @Required
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "The window of maxQuarantined, such as 10m: only quarantines begun within it count.")
        String window) {

  /** A whole percentage from 0% to 100%. */
  static final String PERCENT = "^(100|[1-9]?[0-9])%$";
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;

/** How long the load of the promotion gates lasts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "duration(self.duration) <= duration('10m')",
    message = LoadTestGate.DURATION_TOO_LONG,
    fieldPath = ".duration",
    reason = "FieldValueInvalid")
public record LoadTestGate(
    @Required
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "How long the load lasts, such as 30s; at most 10m. The partial outage gate loads"
                + " as long again.")
        String duration) {

  public static final Duration MAX_DURATION = Duration.ofMinutes(10);
  public static final String DURATION_TOO_LONG = "duration must be at most 10m";
}

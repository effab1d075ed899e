package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How many pods serve: a fixed count when {@code min == max}, an autoscaled range otherwise. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.min <= self.max", message = "min must be less than or equal to max")
public record Replicas(
    @Required
        @Min(0)
        @Max(1000)
        @JsonPropertyDescription(
            "The fewest pods that serve; 0 (scale to zero) only where the tier has idleToZeroAfter.")
        Integer min,
    @Required @Min(1) @Max(1000) @JsonPropertyDescription("The most pods that serve.")
        Integer max) {

  /** Exactly {@code count} pods, never autoscaled. */
  public static Replicas fixed(int count) {
    return new Replicas(count, count);
  }

  public boolean autoscaled() {
    return min < max;
  }
}

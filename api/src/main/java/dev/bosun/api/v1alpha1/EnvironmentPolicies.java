package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Rules every Workload of an Environment must follow. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentPolicies(
    @JsonPropertyDescription("Images must be pinned by digest (@sha256:...).")
        Boolean requireImageDigest,
    @Min(1)
        @JsonPropertyDescription("The fewest replicas a Service or Inference Workload may ask for.")
        Integer minReplicas) {

  public boolean digestRequired() {
    return Boolean.TRUE.equals(requireImageDigest);
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** One gate's verdict, with what it saw. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateResult(
    @JsonPropertyDescription("One of Gates: LoadTest, ServiceLevelObjective, ...") String name,
    @JsonPropertyDescription("Whether it passed; absent when it did not run.") Boolean passed,
    @JsonPropertyDescription("Why, in a sentence a person can act on.") String message,
    @JsonPropertyDescription("What it measured: counts, latencies, the pod taken away.")
        Map<String, String> evidence) {

  public GateResult {
    // Sorted, so that the status and the CLI list the evidence in one order.
    evidence = evidence == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(evidence));
  }
}

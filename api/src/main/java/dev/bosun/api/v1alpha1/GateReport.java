package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The last run of an Environment's promotion gates against this Workload. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateReport(
    @JsonPropertyDescription("The Environment whose gates ran.") String targetEnvironment,
    @JsonPropertyDescription("The image tested, by digest where known.") String image,
    @JsonPropertyDescription("When the gates began (RFC 3339).") String startedAt,
    @JsonPropertyDescription("When they ended (RFC 3339).") String finishedAt,
    @JsonPropertyDescription("Whether every gate passed.") Boolean passed,
    @JsonPropertyDescription("Each gate's verdict, in the order they ran.")
        List<GateResult> results) {

  public GateReport {
    results = results == null ? null : List.copyOf(results);
  }
}

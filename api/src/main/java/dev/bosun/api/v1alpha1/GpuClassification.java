package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * How the node agent turns kernel-log lines into fault classes; absent fields keep its defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.xidOverrides) || self.xidOverrides.all(o, self.xidOverrides.exists_one(p, p.xid == o.xid))",
    message = "each Xid may be overridden once",
    fieldPath = ".xidOverrides",
    reason = "FieldValueDuplicate")
public record GpuClassification(
    @Size(max = 64)
        @JsonPropertyDescription(
            "Xid codes and the class they always get, beating the catalog and every context rule.")
        List<XidOverride> xidOverrides,
    @Size(max = 16)
        @JsonPropertyDescription(
            "Application Xids that point at the GPU when they repeat; 13 and 31 when absent.")
        List<@Min(1) @Max(65535) Integer> repeatingXids,
    @Min(2)
        @Max(1000)
        @JsonPropertyDescription(
            "Occurrences of a repeating Xid on one GPU within repeatWindow that make it a gpu fault; 3 when absent.")
        Integer repeatThreshold,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription("The window of repeatThreshold, such as 10m (the default).")
        String repeatWindow,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "How close Xids 48 and 63/64 (or 45 and another Xid) must be to belong together; 5m when absent.")
        String companionWindow) {

  public GpuClassification {
    xidOverrides = xidOverrides == null ? null : List.copyOf(xidOverrides);
    repeatingXids = repeatingXids == null ? null : List.copyOf(repeatingXids);
  }
}

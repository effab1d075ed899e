package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A signal a tier lets its Workloads scale on, and the target per replica it scales to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = ScaleSignal.PERCENT_RULE,
    message = ScaleSignal.PERCENT_MESSAGE,
    fieldPath = ".target",
    reason = "FieldValueInvalid")
public record ScaleSignal(
    @Required
        @JsonPropertyDescription(
            "cpu, memory, gpu (percent), requestsWaiting, requestsRunning (requests per replica)"
                + " or kvCacheUsage (percent).")
        ScaleMetric metric,
    @Required
        @Min(1)
        @Max(ScaleSignal.MAX_REQUESTS)
        @JsonPropertyDescription(
            "The average per replica to scale to: 1-100 for a percent metric, 1-10000 requests"
                + " for a request count.")
        Integer target) {

  /** The most requests per replica a target may name. */
  public static final int MAX_REQUESTS = 10000;

  /** The most a percent target may name. */
  public static final int MAX_PERCENT = 100;

  static final String PERCENT_RULE =
      "!has(self.target) || !(self.metric in ['cpu', 'memory', 'gpu', 'kvCacheUsage']) || self.target <= 100";
  public static final String PERCENT_MESSAGE = "a percent metric's target is at most 100";

  /** The highest target the metric takes. */
  public static int maxTarget(ScaleMetric metric) {
    return metric.isPercent() ? MAX_PERCENT : MAX_REQUESTS;
  }
}

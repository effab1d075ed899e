package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** A stage such as staging or production: a namespace with quotas and policies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentSpec(
    @Required
        @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("The namespace the Environment owns.")
        String namespace,
    @JsonPropertyDescription("Pods per tier; a tier not listed is not limited.")
        List<TierQuota> quotas,
    @JsonPropertyDescription("Rules every Workload here must follow.") EnvironmentPolicies policies,
    @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("The Environment that Workloads are promoted from.")
        String promotesFrom,
    @JsonPropertyDescription(
            "What scales Workloads here (KEDA or the HPA, with or without an external-metrics"
                + " adapter) and a cap on replicas; the HPA alone when absent.")
        EnvironmentAutoscaling autoscaling,
    @JsonPropertyDescription(
            "How Workloads are promoted here: the gates they must pass where they run before.")
        EnvironmentPromotion promotion) {

  public EnvironmentSpec {
    quotas = quotas == null ? null : List.copyOf(quotas);
  }

  /** The gates of promotion here; none when absent. */
  public PromotionGates gatesOrNone() {
    return promotion == null || promotion.gates() == null
        ? new PromotionGates(null, null, null)
        : promotion.gates();
  }

  public EnvironmentAutoscaling autoscalingOrDefaults() {
    return autoscaling == null ? EnvironmentAutoscaling.DEFAULTS : autoscaling;
  }
}

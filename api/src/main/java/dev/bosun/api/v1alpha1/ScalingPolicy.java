package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Optional;

/**
 * How a tier scales the Workloads of one type: the signals they may choose (the first is the
 * default), how far and how fast, and whether they may go to zero.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.workloadType in ['Service', 'Inference']",
    message = ScalingPolicy.SERVING_ONLY,
    fieldPath = ".workloadType",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.signals.all(s, self.signals.exists_one(t, t.metric == s.metric))",
    message = ScalingPolicy.SIGNAL_TWICE,
    fieldPath = ".signals",
    reason = "FieldValueDuplicate")
public record ScalingPolicy(
    @Required @JsonPropertyDescription("Service or Inference.") WorkloadType workloadType,
    @Required
        @Size(min = 1, max = 6)
        @JsonPropertyDescription(
            "The signals a Workload may scale on, each with its target; the first is the default.")
        List<ScaleSignal> signals,
    @Min(1)
        @Max(1000)
        @JsonPropertyDescription("The most replicas a Workload may ask for; 1000 when absent.")
        Integer maxReplicas,
    @JsonPropertyDescription("How fast replicas are added.") ScalingRules scaleUp,
    @JsonPropertyDescription("How fast replicas are removed.") ScalingRules scaleDown,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "Without a request for this long (90s, 10m, 1h), a Workload whose replicas.min is 0"
                + " goes to zero. Absent: Workloads of this tier never go below one replica.")
        String idleToZeroAfter) {

  public static final String SERVING_ONLY = "scaling applies to Service and Inference only";
  public static final String SIGNAL_TWICE = "each metric may be listed once";

  /** The most replicas when a policy names none: the schema's bound on {@code replicas.max}. */
  public static final int DEFAULT_MAX_REPLICAS = 1000;

  public ScalingPolicy {
    signals = signals == null ? null : List.copyOf(signals);
  }

  /** The signal a Workload scales on when it names none. */
  public ScaleSignal defaultSignal() {
    return signals.getFirst();
  }

  /** The tier's signal for this metric, if the tier allows it. */
  public Optional<ScaleSignal> signal(ScaleMetric metric) {
    return signals.stream().filter(s -> s.metric() == metric).findFirst();
  }

  public int maxReplicasOrDefault() {
    return maxReplicas == null ? DEFAULT_MAX_REPLICAS : maxReplicas;
  }

  public boolean allowsZero() {
    return idleToZeroAfter != null;
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Optional;

/** What a size means. The platform team writes Tiers; developers only name them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.scaling) || self.scaling.all(p, self.scaling.exists_one(q, q.workloadType =="
            + " p.workloadType))",
    message = TierSpec.POLICY_TWICE,
    fieldPath = ".scaling",
    reason = "FieldValueDuplicate")
public record TierSpec(
    @Required
        @Size(min = 1, max = 400)
        @JsonPropertyDescription("What the tier is for, in words a developer understands.")
        String description,
    @Required @JsonPropertyDescription("CPU, memory and scratch space per pod.")
        TierResources resources,
    @JsonPropertyDescription("GPUs per pod; none when absent.") TierGpu gpu,
    @JsonPropertyDescription("Node selector, tolerations and priority class of the pods.")
        Placement placement,
    @JsonPropertyDescription("The RuntimeClass of the pods, such as gvisor.")
        String runtimeClassName,
    @Size(max = 2)
        @JsonPropertyDescription(
            "How Workloads of this tier scale, per workload type (Service, Inference): the signals"
                + " they may choose, the most replicas, how fast, and whether to zero. A type not"
                + " listed scales on cpu at 70 percent, up to 1000 replicas, never to zero.")
        List<ScalingPolicy> scaling,
    @JsonPropertyDescription("Workload types that may use the tier; every type when absent.")
        List<WorkloadType> workloadTypes,
    @Pattern(Patterns.MONEY)
        @JsonPropertyDescription("What one pod costs per hour, for showback, such as 2.50.")
        String costPerHour) {

  public static final String POLICY_TWICE = "each workload type may be listed once";

  public TierSpec {
    scaling = scaling == null ? null : List.copyOf(scaling);
    workloadTypes = workloadTypes == null ? null : List.copyOf(workloadTypes);
  }

  /** The tier's scaling policy for the type, if it has one. */
  public Optional<ScalingPolicy> scalingOf(WorkloadType type) {
    return scaling == null
        ? Optional.empty()
        : scaling.stream().filter(p -> p.workloadType() == type).findFirst();
  }

  public boolean allows(WorkloadType type) {
    return workloadTypes == null || workloadTypes.contains(type);
  }
}

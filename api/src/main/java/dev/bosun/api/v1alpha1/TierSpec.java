package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What a size means. The platform team writes Tiers; developers only name them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
    @JsonPropertyDescription("The autoscaling signal of Workloads that name none.")
        ScaleOn autoscaling,
    @JsonPropertyDescription("Workload types that may use the tier; every type when absent.")
        List<WorkloadType> workloadTypes,
    @Pattern(Patterns.MONEY)
        @JsonPropertyDescription("What one pod costs per hour, for showback, such as 2.50.")
        String costPerHour) {

  public TierSpec {
    workloadTypes = workloadTypes == null ? null : List.copyOf(workloadTypes);
  }

  public boolean allows(WorkloadType type) {
    return workloadTypes == null || workloadTypes.contains(type);
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The GPUs every pod of a tier gets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.sharing != 'MIG' || has(self.migProfile)",
    message = "migProfile is required when sharing is MIG",
    fieldPath = ".migProfile",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "self.sharing == 'MIG' || !has(self.migProfile)",
    message = "migProfile applies only when sharing is MIG",
    fieldPath = ".migProfile",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "self.allocation != 'DevicePlugin' || self.sharing == 'Exclusive'",
    message =
        "the device plugin allocation supports only Exclusive sharing; sharing is configured on the device plugin itself",
    fieldPath = ".sharing",
    reason = "FieldValueInvalid")
public record TierGpu(
    @Required
        @Min(1)
        @Max(64)
        @JsonPropertyDescription("GPUs (or MIG slices) per pod, all on one node.")
        Integer count,
    @Required @JsonPropertyDescription("DRA (default) or DevicePlugin.") GpuAllocation allocation,
    @Required @JsonPropertyDescription("Exclusive, MIG, TimeSliced or MPS.") GpuSharing sharing,
    @Pattern("^[0-9]+g\\.[0-9]+gb(\\+me)?$")
        @JsonPropertyDescription("The MIG profile when sharing is MIG, such as 1g.10gb.")
        String migProfile,
    @Pattern(Patterns.QUANTITY) @JsonPropertyDescription("The least device memory, such as 80Gi.")
        String minMemory,
    @JsonPropertyDescription(
            "Accepted product names (NVIDIA's productName attribute); any when absent.")
        List<String> products,
    @JsonPropertyDescription("Further CEL expressions that a device must satisfy.")
        List<String> selectors,
    @JsonPropertyDescription(
            "The DRA DeviceClass; gpu.nvidia.com, or mig.nvidia.com for MIG, when absent.")
        String deviceClassName,
    @JsonPropertyDescription(
            "The extended resource of the device plugin; nvidia.com/gpu when absent.")
        String devicePluginResource) {

  public TierGpu {
    products = products == null ? null : List.copyOf(products);
    selectors = selectors == null ? null : List.copyOf(selectors);
  }
}

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
import java.util.Map;

/**
 * What a developer asks for. Everything else (resources, GPUs, placement, security, probes,
 * autoscaling defaults) comes from the Tier named by {@code size} and from the Environment.
 *
 * <p>The CEL rules below are the cross-field constraints; {@code WorkloadRules} in the compiler
 * states the same rules for files that never reach an API server, with the same messages.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type in ['Training', 'Batch'] || has(self.port)",
    message = "port is required for Service and Inference",
    fieldPath = ".port",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "!(self.type in ['Training', 'Batch']) || !has(self.port)",
    message = "port applies to Service and Inference only",
    fieldPath = ".port",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Training', 'Batch']) || !has(self.replicas)",
    message = "replicas applies to Service and Inference only; use parallelism",
    fieldPath = ".replicas",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Training', 'Batch']) || !has(self.scaleOn)",
    message = "scaleOn applies to Service and Inference only",
    fieldPath = ".scaleOn",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Training', 'Batch']) || !has(self.health)",
    message = "health applies to Service and Inference only",
    fieldPath = ".health",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Training', 'Batch']) || !has(self.exposure)",
    message = "exposure applies to Service and Inference only",
    fieldPath = ".exposure",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Training', 'Batch']) || !has(self.slo)",
    message = "slo applies to Service and Inference only",
    fieldPath = ".slo",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Service', 'Inference']) || !has(self.parallelism)",
    message = "parallelism applies to Training and Batch only; use replicas",
    fieldPath = ".parallelism",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Service', 'Inference']) || !has(self.completions)",
    message = "completions applies to Training and Batch only",
    fieldPath = ".completions",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!(self.type in ['Service', 'Inference']) || !has(self.checkpoints)",
    message = "checkpoints applies to Training and Batch only",
    fieldPath = ".checkpoints",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.completions) || !has(self.parallelism) || self.parallelism <= self.completions",
    message = "parallelism must not exceed completions",
    fieldPath = ".parallelism",
    reason = "FieldValueInvalid")
public record WorkloadSpec(
    @Required @JsonPropertyDescription("Service, Inference, Training or Batch.") WorkloadType type,
    @Required
        @Pattern(Patterns.IMAGE)
        @JsonPropertyDescription(
            "The container image, with a tag or a digest (registry/repo:tag or registry/repo@sha256:...).")
        String image,
    @Required
        @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("The name of a Tier, such as gpu-m.")
        String size,
    @JsonPropertyDescription("The entrypoint; the image's when absent.") List<String> command,
    @JsonPropertyDescription("Arguments to the entrypoint.") List<String> args,
    @Size(max = 256)
        @JsonPropertyDescription("Environment variables: literal values or Secret keys.")
        List<EnvVar> env,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription("The port the container serves on (Service and Inference).")
        Integer port,
    @JsonPropertyDescription("How many pods serve (Service and Inference); one when absent.")
        Replicas replicas,
    @JsonPropertyDescription("The autoscaling signal; the Tier's default when absent.")
        ScaleOn scaleOn,
    @JsonPropertyDescription("The readiness endpoint; a TCP check on the port when absent.")
        Health health,
    @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Pods that run at once (Training and Batch); one when absent.")
        Integer parallelism,
    @Min(1)
        @Max(100000)
        @JsonPropertyDescription(
            "Pods that must succeed (Training and Batch); parallelism when absent.")
        Integer completions,
    @JsonPropertyDescription("A volume for model weights.") ModelCache modelCache,
    @JsonPropertyDescription("A volume for checkpoints (Training and Batch).")
        Checkpoints checkpoints,
    @JsonPropertyDescription(
            "Who may connect (Service and Inference): Namespace (default) or Cluster.")
        Exposure exposure,
    @Size(max = 64)
        @JsonPropertyDescription(
            "Destinations the pods may connect to, besides DNS; none when absent.")
        List<EgressRule> egress,
    @JsonPropertyDescription("Labels added to every object made for this Workload.")
        Map<String, String> labels,
    @JsonPropertyDescription(
            "What it is built for (Service and Inference): the load it must carry and the latency"
                + " and error rate it must keep under it; promotion gates hold it to this.")
        WorkloadSlo slo) {

  public WorkloadSpec {
    command = command == null ? null : List.copyOf(command);
    args = args == null ? null : List.copyOf(args);
    env = env == null ? null : List.copyOf(env);
    egress = egress == null ? null : List.copyOf(egress);
    labels = labels == null ? null : Map.copyOf(labels);
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * What a sandbox is: an image and a size tier, never a pod spec. Isolation is not configurable
 * away: every sandbox pod runs under the sandbox RuntimeClass, restricted Pod Security, a user
 * namespace, without a service-account token, with a read-only root and a default-deny network.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxTemplateSpec(
    @Required
        @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("The size tier (CPU or GPU) from the tier catalog.")
        String size,
    @Required
        @Pattern(Patterns.IMAGE)
        @JsonPropertyDescription("The agent's image, by tag or digest.")
        String image,
    @Size(max = 64) @JsonPropertyDescription("The command; the image's entrypoint when absent.")
        List<String> command,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription(
            "The port the agent serves HTTP and WebSocket on; 8080 when absent.")
        Integer port,
    @Size(max = 64) @JsonPropertyDescription("Environment variables of every sandbox.")
        List<EnvVar> env,
    @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription(
            "The RuntimeClass of the pods; the platform's "
                + Sandboxes.RUNTIME_CLASS
                + " (gVisor) when absent.")
        String runtimeClassName,
    @Size(max = 32)
        @JsonPropertyDescription(
            "Where a sandbox may open connections besides cluster DNS; nowhere when absent."
                + " Private ranges and the metadata address are cut out of a block unless listed.")
        List<EgressRule> egress,
    @JsonPropertyDescription("The persistent memory volume.") SandboxMemory memory,
    @JsonPropertyDescription("TTL, idle timeout and what expiry does; each a default.")
        SandboxLifecycle lifecycle) {

  public SandboxTemplateSpec {
    command = command == null ? null : List.copyOf(command);
    env = env == null ? null : List.copyOf(env);
    egress = egress == null ? null : List.copyOf(egress);
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** One agent instance: a template, whether it runs, and its lifecycle. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxSpec(
    @Required @JsonPropertyDescription("The SandboxTemplate, in the Sandbox's namespace.")
        ObjectName sandboxTemplateRef,
    @JsonPropertyDescription(
            "Running (the default) or Suspended: the pod is deleted, the volume, the Service and the"
                + " name are kept. The operator sets Suspended after the idle timeout; the router"
                + " sets Running when a request arrives.")
        OperatingMode operatingMode,
    @Size(max = 64)
        @JsonPropertyDescription(
            "Environment variables besides the template's; one of the same name wins.")
        List<EnvVar> env,
    @JsonPropertyDescription("TTL, idle timeout and expiry, over the template's defaults.")
        SandboxLifecycle lifecycle) {

  public SandboxSpec {
    env = env == null ? null : List.copyOf(env);
  }

  /** The mode, Running when absent. */
  public OperatingMode effectiveOperatingMode() {
    return operatingMode == null ? OperatingMode.Running : operatingMode;
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * A request for a sandbox of a template: from a warm pool when one of its sandboxes fits, started
 * cold when none does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxClaimSpec(
    @Required @JsonPropertyDescription("The SandboxTemplate, in the claim's namespace.")
        ObjectName sandboxTemplateRef,
    @JsonPropertyDescription(
            "The SandboxWarmPool to take from; any pool of the template in the namespace when"
                + " absent.")
        ObjectName warmPoolRef,
    @Size(max = 64)
        @JsonPropertyDescription(
            "Environment variables besides the template's. A warm sandbox started without them,"
                + " so a claim that sets any starts cold.")
        List<EnvVar> env,
    @JsonPropertyDescription("TTL, idle timeout and expiry, over the template's defaults.")
        SandboxLifecycle lifecycle) {

  public SandboxClaimSpec {
    env = env == null ? null : List.copyOf(env);
  }
}

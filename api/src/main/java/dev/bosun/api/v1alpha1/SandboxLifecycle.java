package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * How long a sandbox lives and when it sleeps. On a template these are the defaults; a Sandbox or a
 * SandboxClaim may set each field again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxLifecycle(
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "How long after its creation the sandbox expires, such as 2h; never when absent."
                + " `bosun sandbox extend` pushes it back.")
        String ttl,
    @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "Suspend a Running sandbox nobody has used (no request through the router) for this"
                + " long, such as 15m; never when absent.")
        String idleTimeout,
    @JsonPropertyDescription(
            "At expiry: Delete (the default) deletes the Sandbox and its volume, Retain suspends it"
                + " and keeps them.")
        ShutdownPolicy shutdownPolicy) {

  /** No TTL, no idle timeout, deleted at expiry. */
  public static final SandboxLifecycle NONE = new SandboxLifecycle(null, null, null);

  /** Each field of {@code override} that is set, else this one's. */
  public SandboxLifecycle overriddenBy(SandboxLifecycle override) {
    if (override == null) {
      return this;
    }
    return new SandboxLifecycle(
        override.ttl != null ? override.ttl : ttl,
        override.idleTimeout != null ? override.idleTimeout : idleTimeout,
        override.shutdownPolicy != null ? override.shutdownPolicy : shutdownPolicy);
  }
}

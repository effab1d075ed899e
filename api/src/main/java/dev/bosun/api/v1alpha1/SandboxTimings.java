package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** When things happened to a sandbox, in RFC 3339 with milliseconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxTimings(
    @JsonPropertyDescription(
            "When the current run was asked for: the creation, or the last resume.")
        String requestedAt,
    @JsonPropertyDescription("When the current pod was bound to a node.") String scheduledAt,
    @JsonPropertyDescription("When the current pod became ready.") String readyAt,
    @JsonPropertyDescription("The last request through the router.") String lastActivityAt,
    @JsonPropertyDescription("When the sandbox was last suspended.") String suspendedAt,
    @JsonPropertyDescription("When the TTL runs out; absent without a TTL.") String expiresAt) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Which sandbox a claim got, how, and when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxClaimStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Ready (the claimed sandbox is ready), with ClaimedFromWarmPool or a cold start's"
                + " reason.")
        List<Condition> conditions,
    @JsonPropertyDescription("The Sandbox the claim holds; it is owned by the claim.")
        ObjectName sandbox,
    @JsonPropertyDescription("WarmPool or ColdStart.") String source,
    @JsonPropertyDescription(
            "Why no warm sandbox was used (NoWarmPool, WarmPoolEmpty, EnvDiffers), for a cold"
                + " start.")
        String coldStartReason,
    @JsonPropertyDescription("When the claim got its sandbox (RFC 3339, milliseconds).")
        String boundAt,
    @JsonPropertyDescription("When the claimed sandbox was first seen ready.") String readyAt) {}

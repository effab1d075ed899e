package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of a Sandbox. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxStatus(
    @JsonPropertyDescription("The generation of the spec this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Ready (the pod serves), Suspended and Expired, with a reason a human can act on.")
        List<Condition> conditions,
    @JsonPropertyDescription("The mode the sandbox is in now, which may lag the spec's.")
        OperatingMode operatingMode,
    @JsonPropertyDescription("The headless Service that gives the sandbox its name.")
        String service,
    @JsonPropertyDescription("The sandbox's stable DNS name: <name>.<namespace>.svc.cluster.local.")
        String serviceFQDN,
    @JsonPropertyDescription("The pod of the current run; absent while suspended.") String podName,
    @JsonPropertyDescription("The node of the current pod.") String nodeName,
    @JsonPropertyDescription("The IP of the current pod, where the router sends requests.")
        String podIP,
    @JsonPropertyDescription("The port the agent serves on.") Integer port,
    @JsonPropertyDescription("The PersistentVolumeClaim of the agent's memory.")
        String volumeClaimName,
    @JsonPropertyDescription("The PersistentVolume bound to it.") String volumeName,
    @JsonPropertyDescription("The SandboxWarmPool it was made by, while it waits in the pool.")
        String warmPool,
    @JsonPropertyDescription("When things happened.") SandboxTimings timings,
    @JsonPropertyDescription(
            "The objects Bosun applied for this Sandbox; one no longer made is deleted.")
        List<ChildReference> children) {}

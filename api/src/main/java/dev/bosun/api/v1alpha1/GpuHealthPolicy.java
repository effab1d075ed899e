package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How the platform answers GPU faults (cluster-scoped): how the node agent classifies them, what
 * the cluster takes out of service for each fault class, and the circuit breaker that stops a bad
 * driver release from quarantining the fleet. The node agent and the operator read the same object,
 * so one edit changes both without a restart.
 */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("ghp")
@AdditionalPrinterColumn(
    name = "DryRun",
    jsonPath = ".spec.dryRun",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Quarantined",
    jsonPath = ".status.quarantined",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Breaker",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.BREAKER_TRIPPED + "\")].status")
public class GpuHealthPolicy extends CustomResource<GpuHealthPolicySpec, GpuHealthPolicyStatus> {
  /** The name of the policy the agents and the operator follow; deploy/ ships it. */
  public static final String DEFAULT = "default";
}

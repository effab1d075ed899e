package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One node's GPUs as its node agent sees them (cluster-scoped, named after the node). The agent
 * writes it; the operator reads it to quarantine and recover GPUs. It is a separate object rather
 * than more Node conditions because a Node condition holds one sentence, and remediation needs
 * every GPU's identity, counters and recent faults. The agent sets an owner reference to the Node,
 * so deleting the Node deletes its GpuNodeHealth.
 */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("gnh")
@AdditionalPrinterColumn(
    name = "Healthy",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.GPU_HEALTHY + "\")].status")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.GPU_HEALTHY + "\")].reason")
@AdditionalPrinterColumn(name = "Driver", jsonPath = ".status.driverVersion")
@AdditionalPrinterColumn(
    name = "Sampled",
    jsonPath = ".status.sampledAt",
    type = AdditionalPrinterColumn.Type.DATE)
public class GpuNodeHealth extends CustomResource<GpuNodeHealthSpec, GpuNodeHealthStatus> {}

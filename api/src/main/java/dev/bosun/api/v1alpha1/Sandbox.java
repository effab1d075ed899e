package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One isolated, long-lived agent: a pod under the sandbox RuntimeClass, a persistent volume, a
 * stable DNS name, and a lifecycle (suspend, resume, TTL, idle timeout).
 */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("sbx")
@AdditionalPrinterColumn(name = "Template", jsonPath = ".spec.sandboxTemplateRef.name")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".status.operatingMode")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.READY + "\")].status")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.READY + "\")].reason")
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.timings.expiresAt", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Sandbox extends CustomResource<SandboxSpec, SandboxStatus> implements Namespaced {}

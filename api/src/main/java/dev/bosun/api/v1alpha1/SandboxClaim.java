package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** "Give me a sandbox of this template, from a warm pool if one fits." */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("sbc")
@AdditionalPrinterColumn(name = "Template", jsonPath = ".spec.sandboxTemplateRef.name")
@AdditionalPrinterColumn(name = "Sandbox", jsonPath = ".status.sandbox.name")
@AdditionalPrinterColumn(name = "Source", jsonPath = ".status.source")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.READY + "\")].status")
public class SandboxClaim extends CustomResource<SandboxClaimSpec, SandboxClaimStatus>
    implements Namespaced {}

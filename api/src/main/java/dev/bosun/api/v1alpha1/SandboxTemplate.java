package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** What a kind of sandbox is: image, size tier, egress, memory, lifecycle defaults. */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("sbt")
@AdditionalPrinterColumn(name = "Size", jsonPath = ".spec.size")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", priority = 1)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.READY + "\")].status")
public class SandboxTemplate extends CustomResource<SandboxTemplateSpec, SandboxTemplateStatus>
    implements Namespaced {}

package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A developer's workload: a few lines with a size tier. */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("wl")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type")
@AdditionalPrinterColumn(name = "Size", jsonPath = ".spec.size")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.READY + "\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Workload extends CustomResource<WorkloadSpec, WorkloadStatus> implements Namespaced {
  public static final String GROUP = "bosun.dev";
  public static final String VERSION = "v1alpha1";
}

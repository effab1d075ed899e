package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A size tier (cluster-scoped): what {@code size: gpu-m} means on this platform. */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@AdditionalPrinterColumn(name = "CPU", jsonPath = ".spec.resources.cpu")
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".spec.resources.memory")
@AdditionalPrinterColumn(name = "GPUs", jsonPath = ".spec.gpu.count")
@AdditionalPrinterColumn(name = "Description", jsonPath = ".spec.description", priority = 1)
public class Tier extends CustomResource<TierSpec, Void> {}

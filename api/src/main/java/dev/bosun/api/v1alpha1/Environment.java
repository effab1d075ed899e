package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A stage (cluster-scoped), such as staging or production. */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@AdditionalPrinterColumn(name = "Namespace", jsonPath = ".spec.namespace")
@AdditionalPrinterColumn(name = "From", jsonPath = ".spec.promotesFrom")
public class Environment extends CustomResource<EnvironmentSpec, EnvironmentStatus> {}

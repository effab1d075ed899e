package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** A Workload with its Tier and Environment, and the names and labels derived from them once. */
record Target(
    Workload workload,
    Tier tier,
    Environment environment,
    String namespace,
    Map<String, String> labels,
    Map<String, String> selector,
    Map<String, String> annotations,
    String serviceAccountName,
    String claimTemplateName,
    String headlessService,
    int replicas) {

  static Target of(Workload workload, Tier tier, Environment environment) {
    String name = workload.getMetadata().getName();
    String namespace =
        environment != null
            ? environment.getSpec().namespace()
            : workload.getMetadata().getNamespace();
    var spec = workload.getSpec();
    boolean parallelJob = !spec.type().isServing() && completions(workload) > 1;
    int replicas = spec.replicas() == null ? 1 : spec.replicas().min();
    return new Target(
        workload,
        tier,
        environment,
        namespace,
        Collections.unmodifiableMap(new TreeMap<>(Labels.of(workload, tier, environment))),
        Labels.selector(workload),
        Labels.annotations(workload, namespace),
        Names.of(name, "", Names.LABEL),
        Names.of(name, "gpu", Names.LABEL),
        parallelJob ? Names.of(name, "", Names.LABEL) : null,
        replicas);
  }

  static int completions(Workload workload) {
    var spec = workload.getSpec();
    if (spec.completions() != null) {
      return spec.completions();
    }
    return spec.parallelism() == null ? 1 : spec.parallelism();
  }
}

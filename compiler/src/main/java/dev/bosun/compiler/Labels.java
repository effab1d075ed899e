package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels and annotations that tie every compiled object to its Workload, tier and environment.
 */
public final class Labels {
  public static final String WORKLOAD = Scaling.WORKLOAD_LABEL;
  public static final String TIER = "bosun.dev/tier";
  public static final String ENVIRONMENT = "bosun.dev/environment";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** The value of {@link #MANAGED_BY} on everything Bosun makes. */
  public static final String MANAGER = "bosun";

  /** The full {@code namespace/name} of the Workload, which a label value may be too short for. */
  public static final String WORKLOAD_ANNOTATION = "bosun.dev/workload";

  private Labels() {}

  /** The labels of every object, pod templates included. */
  static Map<String, String> of(Workload workload, Tier tier, Environment environment) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (workload.getSpec().labels() != null) {
      new TreeMap<>(workload.getSpec().labels()).forEach(labels::put);
    }
    labels.put("app.kubernetes.io/name", Names.labelValue(workload.getMetadata().getName()));
    labels.put(Scaling.COMPONENT_LABEL, workload.getSpec().type().name().toLowerCase(Locale.ROOT));
    labels.put(MANAGED_BY, MANAGER);
    labels.put(WORKLOAD, Names.labelValue(workload.getMetadata().getName()));
    labels.put(TIER, tier.getMetadata().getName());
    if (environment != null) {
      labels.put(ENVIRONMENT, environment.getMetadata().getName());
    }
    return labels;
  }

  /** The labels that select a Workload's pods: only what never changes over its life. */
  static Map<String, String> selector(Workload workload) {
    return Map.of(WORKLOAD, Names.labelValue(workload.getMetadata().getName()));
  }

  static Map<String, String> annotations(Workload workload, String namespace) {
    String name = workload.getMetadata().getName();
    return Map.of(WORKLOAD_ANNOTATION, namespace == null ? name : namespace + "/" + name);
  }
}

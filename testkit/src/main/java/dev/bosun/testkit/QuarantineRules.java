package dev.bosun.testkit;

import dev.bosun.api.v1alpha1.GpuQuarantine;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * Bosun's per-GPU quarantine as tests make it by hand: the DeviceTaintRule the quarantine contract
 * names, labels and selects ({@link GpuQuarantine}). fabric8 has no model of
 * resource.k8s.io/v1beta2, hence a generic resource.
 */
public final class QuarantineRules {
  private QuarantineRules() {}

  /** Creates Bosun's rule tainting {@code device} of {@code node}; returns its name. */
  public static String create(
      KubernetesClient admin, String node, String device, String faultClass, String effect) {
    return create(admin, node, device, faultClass, effect, true);
  }

  /**
   * Creates a rule tainting {@code device} of {@code node} as another health monitor would: not
   * Bosun's, so that a running Bosun operator, which lifts a rule of its own that no agent's report
   * backs, leaves it alone. Returns its name.
   */
  public static String createForeign(
      KubernetesClient admin, String node, String device, String faultClass, String effect) {
    return create(admin, node, device, faultClass, effect, false);
  }

  private static String create(
      KubernetesClient admin,
      String node,
      String device,
      String faultClass,
      String effect,
      boolean bosuns) {
    String name =
        bosuns ? GpuQuarantine.ruleName(node, device) : "other-monitor-" + node + "-" + device;
    GenericKubernetesResource rule =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GpuQuarantine.RULE_API_VERSION)
            .withKind(GpuQuarantine.RULE_KIND)
            .withNewMetadata()
            .withName(name)
            .withLabels(
                bosuns
                    ? Map.of(
                        GpuQuarantine.MANAGED_BY,
                        GpuQuarantine.MANAGER,
                        GpuQuarantine.NODE_LABEL,
                        node)
                    : Map.of())
            .endMetadata()
            .withAdditionalProperties(
                Map.of(
                    "spec",
                    Map.of(
                        "deviceSelector",
                        Map.of("driver", GpuQuarantine.DRIVER, "pool", node, "device", device),
                        "taint",
                        Map.of(
                            "key",
                            GpuQuarantine.TAINT_KEY,
                            "value",
                            faultClass,
                            "effect",
                            effect))))
            .build();
    admin.resource(rule).create();
    return name;
  }

  public static void delete(KubernetesClient admin, String name) {
    admin
        .genericKubernetesResources(GpuQuarantine.RULE_API_VERSION, GpuQuarantine.RULE_KIND)
        .withName(name)
        .delete();
  }
}

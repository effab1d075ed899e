package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.GpuAllocation;
import dev.bosun.api.v1alpha1.GpuSharing;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierGpu;
import dev.bosun.api.v1alpha1.TierQuota;
import dev.bosun.compiler.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an Environment compiles to: its namespace with the restricted Pod Security Standard, a GPU
 * quota, a LimitRange and a default-deny NetworkPolicy. Pure, like the Workload compiler.
 *
 * <p>Quota mapping: a ResourceQuota cannot count pods per tier (it has no label scope), but the
 * scarce thing a tier quota protects is GPUs. So each listed GPU tier adds {@code maxPods x GPUs
 * per pod} to the namespace's limit on its GPU resource: the DRA device-class count {@code
 * <class>.deviceclass.resource.k8s.io/devices} for DRA tiers, {@code requests.nvidia.com/gpu} for
 * device-plugin tiers. Tiers sharing a device class share the sum. CPU tiers are not limited by the
 * quota (a namespace-wide CPU cap would also limit tiers the Environment does not list).
 */
public final class EnvironmentObjects {
  public static final String QUOTA_NAME = "bosun-gpu-quota";
  public static final String LIMIT_RANGE_NAME = "bosun-defaults";
  public static final String DEFAULT_DENY_NAME = "bosun-default-deny";
  private static final String PSS = "pod-security.kubernetes.io/";

  private EnvironmentObjects() {}

  public static List<HasMetadata> build(Environment environment, Map<String, Tier> tiers) {
    String namespace = environment.getSpec().namespace();
    Map<String, String> labels =
        Map.of(Labels.MANAGED_BY, "bosun", Labels.ENVIRONMENT, environment.getMetadata().getName());
    List<HasMetadata> objects = new ArrayList<>();
    Map<String, String> namespaceLabels = new TreeMap<>(labels);
    for (String mode : List.of("enforce", "audit", "warn")) {
      namespaceLabels.put(PSS + mode, "restricted");
      namespaceLabels.put(PSS + mode + "-version", "latest");
    }
    objects.add(
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(namespace)
            .withLabels(namespaceLabels)
            .endMetadata()
            .build());

    Map<String, Quantity> hard = gpuQuota(environment, tiers);
    if (!hard.isEmpty()) {
      objects.add(
          new ResourceQuotaBuilder()
              .withNewMetadata()
              .withName(QUOTA_NAME)
              .withNamespace(namespace)
              .withLabels(labels)
              .endMetadata()
              .withNewSpec()
              .withHard(hard)
              .endSpec()
              .build());
    }
    // Defaults for containers that name no resources (Bosun's always do): no pod goes unbounded.
    objects.add(
        new LimitRangeBuilder()
            .withNewMetadata()
            .withName(LIMIT_RANGE_NAME)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewLimit()
            .withType("Container")
            .withDefaultRequest(
                Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
            .withDefault(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi")))
            .endLimit()
            .endSpec()
            .build());
    // Nothing talks to or from a pod unless a NetworkPolicy of its Workload allows it.
    objects.add(
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withName(DEFAULT_DENY_NAME)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withNewPodSelector()
            .endPodSelector()
            .withPolicyTypes("Ingress", "Egress")
            .endSpec()
            .build());
    return objects;
  }

  /** The GPU resources the listed tiers may use together, by quota resource name. */
  static Map<String, Quantity> gpuQuota(Environment environment, Map<String, Tier> tiers) {
    Map<String, Long> sums = new TreeMap<>();
    List<TierQuota> quotas =
        environment.getSpec().quotas() == null ? List.of() : environment.getSpec().quotas();
    for (TierQuota quota : quotas) {
      Tier tier = tiers.get(quota.tier());
      if (tier == null || tier.getSpec().gpu() == null) {
        continue;
      }
      TierGpu gpu = tier.getSpec().gpu();
      sums.merge(quotaResource(gpu), (long) quota.maxPods() * gpu.count(), Long::sum);
    }
    Map<String, Quantity> hard = new TreeMap<>();
    sums.forEach((resource, count) -> hard.put(resource, new Quantity(Long.toString(count))));
    return hard;
  }

  static String quotaResource(TierGpu gpu) {
    if (gpu.allocation() == GpuAllocation.DevicePlugin) {
      return "requests."
          + (gpu.devicePluginResource() == null ? "nvidia.com/gpu" : gpu.devicePluginResource());
    }
    String deviceClass =
        gpu.deviceClassName() != null
            ? gpu.deviceClassName()
            : gpu.sharing() == GpuSharing.MIG ? "mig.nvidia.com" : "gpu.nvidia.com";
    return deviceClass + ".deviceclass.resource.k8s.io/devices";
  }
}

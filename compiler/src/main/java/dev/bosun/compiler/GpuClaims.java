package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.GpuAllocation;
import dev.bosun.api.v1alpha1.GpuSharing;
import dev.bosun.api.v1alpha1.TierGpu;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClaimConfigurationBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceConstraintBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceSelector;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceSelectorBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplateSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a GPU tier turns into a DRA ResourceClaimTemplate (or, without DRA, an extended resource).
 */
public final class GpuClaims {
  /**
   * NVIDIA's DRA driver: it names a GPU {@code gpu-<minor>} and a MIG instance {@code
   * gpu-<minor>-mig-...}, in one pool per node named after the node.
   */
  public static final String DRIVER = "gpu.nvidia.com";

  static final String GPU_CLASS = "gpu.nvidia.com";
  static final String MIG_CLASS = "mig.nvidia.com";
  static final String DEVICE_PLUGIN_RESOURCE = "nvidia.com/gpu";

  /** The claim's name inside the pod and the request's name inside the claim. */
  static final String CLAIM = "gpu";

  private GpuClaims() {}

  static boolean usesDra(TierGpu gpu) {
    return gpu != null && gpu.allocation() != GpuAllocation.DevicePlugin;
  }

  static String devicePluginResource(TierGpu gpu) {
    return gpu.devicePluginResource() == null ? DEVICE_PLUGIN_RESOURCE : gpu.devicePluginResource();
  }

  static ResourceClaimTemplate template(
      ObjectMeta metadata, Map<String, String> labels, TierGpu gpu) {
    String deviceClass =
        gpu.deviceClassName() != null
            ? gpu.deviceClassName()
            : gpu.sharing() == GpuSharing.MIG ? MIG_CLASS : GPU_CLASS;
    var claim =
        new ResourceClaimSpecBuilder()
            .withNewDevices()
            .withRequests(
                new DeviceRequestBuilder()
                    .withName(CLAIM)
                    .withNewExactly()
                    .withDeviceClassName(deviceClass)
                    .withAllocationMode("ExactCount")
                    .withCount(gpu.count().longValue())
                    .withSelectors(selectors(gpu))
                    .endExactly()
                    .build());
    if (gpu.count() > 1) {
      // Devices of one node can still differ (a mixed node); training across them wants one model.
      claim.addToConstraints(
          new DeviceConstraintBuilder()
              .withRequests(CLAIM)
              .withMatchAttribute(DRIVER + "/productName")
              .build());
    }
    if (gpu.sharing() == GpuSharing.TimeSliced || gpu.sharing() == GpuSharing.MPS) {
      claim.addToConfig(
          new DeviceClaimConfigurationBuilder()
              .withRequests(CLAIM)
              .withNewOpaque()
              .withDriver(DRIVER)
              .withParameters(sharingConfig(gpu.sharing()))
              .endOpaque()
              .build());
    }
    ObjectMeta claimMetadata = new ObjectMeta();
    claimMetadata.setLabels(labels);
    ResourceClaimTemplate template = new ResourceClaimTemplate();
    template.setMetadata(metadata);
    template.setSpec(new ResourceClaimTemplateSpec(claimMetadata, claim.endDevices().build()));
    return template;
  }

  private static List<DeviceSelector> selectors(TierGpu gpu) {
    List<String> expressions = new ArrayList<>();
    if (gpu.minMemory() != null) {
      expressions.add(
          "device.capacity[\""
              + DRIVER
              + "\"].memory.compareTo(quantity(\""
              + gpu.minMemory()
              + "\")) >= 0");
    }
    if (gpu.products() != null && !gpu.products().isEmpty()) {
      expressions.add(
          "device.attributes[\""
              + DRIVER
              + "\"].productName in ["
              + gpu.products().stream()
                  .map(p -> "\"" + p.replace("\"", "\\\"") + "\"")
                  .collect(Collectors.joining(", "))
              + "]");
    }
    if (gpu.sharing() == GpuSharing.MIG) {
      expressions.add(
          "device.attributes[\"" + DRIVER + "\"].profile == \"" + gpu.migProfile() + "\"");
    }
    if (gpu.selectors() != null) {
      expressions.addAll(gpu.selectors());
    }
    return expressions.stream()
        .map(
            expression ->
                new DeviceSelectorBuilder()
                    .withNewCel()
                    .withExpression(expression)
                    .endCel()
                    .build())
        .toList();
  }

  /** NVIDIA's DRA driver takes sharing as opaque GpuConfig parameters. */
  private static Map<String, Object> sharingConfig(GpuSharing sharing) {
    Map<String, Object> strategy = new LinkedHashMap<>();
    if (sharing == GpuSharing.MPS) {
      strategy.put("strategy", "MPS");
    } else {
      strategy.put("strategy", "TimeSlicing");
      strategy.put("timeSlicingConfig", Map.of("interval", "Default"));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "resource.nvidia.com/v1beta1");
    config.put("kind", "GpuConfig");
    config.put("sharing", strategy);
    return config;
  }
}

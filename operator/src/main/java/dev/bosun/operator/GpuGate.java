package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.compiler.GpuClaims;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@code bosun.dev/gpu-healthy} readiness gate of a GPU pod should say, from what the node
 * agent reports of the pod's node ({@link GpuNodeHealth}) and which of its GPUs the pod holds. A
 * pod leaves its Service's endpoints as soon as a GPU it holds is unhealthy, and comes back when
 * the agent reports it healthy again; a fault of another GPU of the node leaves it serving. Pure.
 */
final class GpuGate {
  private GpuGate() {}

  /** The gate's condition: True lets the pod be Ready. */
  record Verdict(boolean healthy, String reason, String message) {
    String status() {
      return healthy ? "True" : "False";
    }
  }

  /** A whole GPU or a MIG instance of one, by the GPU's minor: NVML's index on a plain host. */
  private static final Pattern DEVICE_NAME = Pattern.compile("gpu-(\\d+)(-mig-.*)?");

  /**
   * The NVIDIA devices a pod's allocated ResourceClaims hold on its node: the driver's pool is
   * named after the node.
   */
  static List<String> devicesOn(String nodeName, List<ResourceClaim> claims) {
    return claims.stream()
        .filter(c -> c.getStatus() != null && c.getStatus().getAllocation() != null)
        .filter(c -> c.getStatus().getAllocation().getDevices() != null)
        .flatMap(c -> c.getStatus().getAllocation().getDevices().getResults().stream())
        .filter(r -> GpuClaims.DRIVER.equals(r.getDriver()) && nodeName.equals(r.getPool()))
        .map(DeviceRequestAllocationResult::getDevice)
        .toList();
  }

  /**
   * Whether the report names any fault that can close a gate; only then does it matter which GPUs a
   * pod holds, so only then are its claims read.
   */
  static boolean reportsFault(GpuNodeHealth health) {
    return health != null
        && health.getStatus() != null
        && (nodeCondition(health).filter(c -> "False".equals(c.status())).isPresent()
            || gpus(health).stream().anyMatch(GpuGate::unusable));
  }

  /**
   * The gate of a pod on the node, holding the given NVIDIA devices there (empty when unknown: its
   * claims are not allocated yet or were not read).
   *
   * @param health the node's report, or null when no agent reports the node: its GPUs are then
   *     assumed healthy, so that clusters without the agent still serve
   */
  static Verdict judge(String nodeName, List<String> devices, GpuNodeHealth health) {
    if (health == null || health.getStatus() == null) {
      return new Verdict(
          true,
          Reasons.NO_GPU_HEALTH_REPORTED,
          "No node agent reports the GPUs of node " + nodeName + "; they are assumed healthy");
    }
    boolean allKnown = !devices.isEmpty();
    for (String device : devices) {
      Optional<GpuDeviceHealth> gpu = gpuOf(device, health);
      if (gpu.isEmpty()) {
        allKnown = false;
      } else if (unusable(gpu.get())) {
        return new Verdict(false, Reasons.GPU_UNHEALTHY, describe(device, gpu.get(), nodeName));
      }
    }
    // Only when some GPU of the pod is unaccounted for does a fault elsewhere on the node count.
    Optional<Condition> nodeFault = nodeCondition(health).filter(c -> "False".equals(c.status()));
    if (!allKnown && nodeFault.isPresent()) {
      return new Verdict(
          false,
          Reasons.NODE_GPU_UNHEALTHY,
          "Node " + nodeName + " reports a GPU unhealthy: " + nodeFault.get().message());
    }
    return new Verdict(
        true,
        Reasons.GPUS_HEALTHY,
        "The node agent of " + nodeName + " reports no fault of this pod's GPUs");
  }

  /** Whether a new report of a node can change a gate: the agent rewrites it every heartbeat. */
  static boolean healthChanged(GpuNodeHealth now, GpuNodeHealth before) {
    return !Objects.equals(view(now), view(before));
  }

  private record DeviceView(Integer index, String uuid, boolean unusable, String reason) {}

  private record HealthView(Optional<String> nodeStatus, List<DeviceView> gpus) {}

  private static HealthView view(GpuNodeHealth health) {
    if (health.getStatus() == null) {
      return null;
    }
    return new HealthView(
        nodeCondition(health).map(c -> c.status() + " " + c.message()),
        gpus(health).stream()
            .map(g -> new DeviceView(g.index(), g.uuid(), unusable(g), g.reason()))
            .toList());
  }

  /** Unhealthy, or gone from the bus: Degraded GPUs are slowed down but still serve. */
  private static boolean unusable(GpuDeviceHealth gpu) {
    return gpu.health() == GpuHealthStatus.Unhealthy || Boolean.FALSE.equals(gpu.present());
  }

  private static Optional<GpuDeviceHealth> gpuOf(String device, GpuNodeHealth health) {
    Matcher name = DEVICE_NAME.matcher(device);
    if (!name.matches()) {
      return Optional.empty();
    }
    int index;
    try {
      index = Integer.parseInt(name.group(1));
    } catch (NumberFormatException pastAnyIndex) {
      return Optional.empty(); // a device name the driver did not make: no GPU of the report
    }
    return gpus(health).stream().filter(g -> g.index() != null && g.index() == index).findFirst();
  }

  private static String describe(String device, GpuDeviceHealth gpu, String nodeName) {
    String what =
        Boolean.FALSE.equals(gpu.present())
            ? "is gone"
            : "is unhealthy" + (gpu.reason() == null ? "" : ": " + gpu.reason());
    return "GPU " + device + " (" + gpu.uuid() + ") of node " + nodeName + " " + what;
  }

  private static Optional<Condition> nodeCondition(GpuNodeHealth health) {
    List<Condition> conditions = health.getStatus().conditions();
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> ConditionTypes.GPU_HEALTHY.equals(c.type())).findFirst();
  }

  private static List<GpuDeviceHealth> gpus(GpuNodeHealth health) {
    return health.getStatus().gpus() == null ? List.of() : health.getStatus().gpus();
  }
}

package dev.bosun.operator.fleet;

import java.util.List;

/**
 * The GPU fleet as {@code bosun nodes} shows it; {@code -o json} writes this tree as it is (the
 * shape is documented in cli/README.md, so change it only compatibly).
 */
public record FleetReport(List<NodeReport> nodes) {
  public FleetReport {
    nodes = List.copyOf(nodes);
  }

  /**
   * A node with a GPU ResourceSlice. {@code reported}: a node agent publishes a GpuNodeHealth for
   * it. {@code quarantine}: the node's {@code bosun.dev/gpu-unhealthy} taint, or null.
   */
  public record NodeReport(
      String node, boolean reported, Fleet.Taint quarantine, List<GpuReport> gpus) {
    public NodeReport {
      gpus = List.copyOf(gpus);
    }
  }

  /**
   * One device of the node's slice. {@code index}: the GPU's index from the device name ({@code
   * gpu-<index>}), null when the name has none. {@code health}: Healthy, Degraded or Unhealthy as
   * the agent reports it, "unreported" when no agent reports the node or this GPU. {@code
   * quarantine}: the DeviceTaintRules that select the device. {@code pods}: the pods whose
   * ResourceClaims hold it.
   */
  public record GpuReport(
      Integer index,
      String uuid,
      String device,
      String health,
      String reason,
      List<RuleTaint> quarantine,
      List<PodRef> pods) {
    public GpuReport {
      quarantine = List.copyOf(quarantine);
      pods = List.copyOf(pods);
    }
  }

  /** A DeviceTaintRule selecting a device; {@code bosun}: Bosun's quarantine made it. */
  public record RuleTaint(String rule, boolean bosun, String key, String value, String effect) {}

  /** A pod holding a device, through the named ResourceClaim. */
  public record PodRef(String namespace, String name, String claim) {}
}

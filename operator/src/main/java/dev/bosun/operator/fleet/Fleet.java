package dev.bosun.operator.fleet;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import java.util.List;

/**
 * What {@code bosun nodes} reads from the cluster, one list per kind, reduced to what the view
 * needs. {@link FleetReader} fills it; {@link FleetView} turns it into a {@link FleetReport}.
 */
public record Fleet(
    List<Node> nodes,
    List<Device> devices,
    List<Claim> claims,
    List<HealthReport> reports,
    List<TaintRule> rules) {

  public Fleet {
    nodes = List.copyOf(nodes);
    devices = List.copyOf(devices);
    claims = List.copyOf(claims);
    reports = List.copyOf(reports);
    rules = List.copyOf(rules);
  }

  /** A Node and its taints. */
  public record Node(String name, List<Taint> taints) {
    public Node {
      taints = List.copyOf(taints);
    }
  }

  /** A taint, of a Node or of a DeviceTaintRule. */
  public record Taint(String key, String value, String effect) {}

  /** A device of an NVIDIA ResourceSlice: the pool is the node; {@code uuid} may be null. */
  public record Device(String node, String name, String uuid) {}

  /** A ResourceClaim's NVIDIA devices and the names of the pods it is reserved for. */
  public record Claim(String namespace, String name, List<Held> devices, List<String> pods) {
    public Claim {
      devices = List.copyOf(devices);
      pods = List.copyOf(pods);
    }
  }

  /** One allocated device of a claim. */
  public record Held(String pool, String device) {}

  /** A node agent's GpuNodeHealth: the GPUs it reports, by index. */
  public record HealthReport(String node, List<GpuDeviceHealth> gpus) {
    public HealthReport {
      gpus = List.copyOf(gpus);
    }
  }

  /**
   * A DeviceTaintRule: a null driver, pool or device selects every value, as the API says; {@code
   * bosun} when Bosun manages it.
   */
  public record TaintRule(
      String name, boolean bosun, String driver, String pool, String device, Taint taint) {

    boolean selects(Device d) {
      return (driver == null || driver.equals(GpuQuarantine.DRIVER))
          && (pool == null || pool.equals(d.node()))
          && (device == null || device.equals(d.name()));
    }
  }
}

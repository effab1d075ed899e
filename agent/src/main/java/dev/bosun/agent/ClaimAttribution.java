package dev.bosun.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.gpu.metrics.GpuHolder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * <b>Pure</b>: which pods hold which GPUs of a node, from the ResourceClaims the scheduler
 * allocated there (resource.k8s.io/v1, JSON as served). A claim counts for the node when a result
 * of {@code status.allocation.devices.results} names NVIDIA's driver ({@value
 * FleetDiscovery#DRIVER}) and the node's pool (the driver names its pool after the node); the
 * device's UUID comes from the node's ResourceSlices; the holders are the pods in {@code
 * status.reservedFor} (a shared claim names several). A result with {@code adminAccess} (a monitor
 * looking at a device in use, not its user) holds nothing. A MIG instance is keyed by its own UUID,
 * not its parent's: the parent GPU's series are not any one pod's.
 */
final class ClaimAttribution {

  /** A claim's part on one node: its devices there and the pods it is reserved for. */
  record NodeClaim(String namespace, String name, Set<String> devices, Set<String> pods) {
    NodeClaim {
      devices = Set.copyOf(devices);
      pods = Set.copyOf(pods);
    }
  }

  private ClaimAttribution() {}

  /** The node's part of {@code claim}, or empty when it holds nothing on {@code node}. */
  static Optional<NodeClaim> onNode(JsonNode claim, String node) {
    Set<String> devices = new TreeSet<>();
    for (JsonNode r : claim.path("status").path("allocation").path("devices").path("results")) {
      if (!FleetDiscovery.DRIVER.equals(r.path("driver").asText())) continue;
      if (!node.equals(r.path("pool").asText())) continue;
      if (r.path("adminAccess").asBoolean(false)) continue;
      String device = r.path("device").asText("");
      if (!device.isEmpty()) devices.add(device);
    }
    if (devices.isEmpty()) return Optional.empty();
    Set<String> pods = new TreeSet<>();
    for (JsonNode consumer : claim.path("status").path("reservedFor")) {
      if (!consumer.path("apiGroup").asText("").isEmpty()) continue;
      if (!"pods".equals(consumer.path("resource").asText())) continue;
      String pod = consumer.path("name").asText("");
      if (!pod.isEmpty()) pods.add(pod);
    }
    JsonNode meta = claim.path("metadata");
    return Optional.of(
        new NodeClaim(meta.path("namespace").asText(), meta.path("name").asText(), devices, pods));
  }

  /**
   * The UUID of each device of NVIDIA's driver on {@code node}, by device name, from a list of
   * ResourceSlices (a device's {@code uuid} attribute, plain or qualified with the driver's
   * domain).
   */
  static Map<String, String> uuidByDevice(JsonNode sliceList, String node) {
    Map<String, String> uuids = new HashMap<>();
    for (JsonNode slice : sliceList.path("items")) {
      JsonNode spec = slice.path("spec");
      if (!FleetDiscovery.DRIVER.equals(spec.path("driver").asText())) continue;
      if (!node.equals(spec.path("nodeName").asText())) continue;
      if (!node.equals(spec.path("pool").path("name").asText())) continue;
      for (JsonNode device : spec.path("devices")) {
        JsonNode attributes = device.path("attributes");
        JsonNode uuid = attributes.path("uuid");
        if (uuid.isMissingNode()) uuid = attributes.path(FleetDiscovery.DRIVER + "/uuid");
        String value = uuid.path("string").asText("");
        if (!value.isEmpty()) uuids.put(device.path("name").asText(), value);
      }
    }
    return Map.copyOf(uuids);
  }

  /**
   * The holders of each device the claims name, by UUID, each list sorted by namespace and pod. A
   * device the slices do not know is left out (the slices are read again; see {@link
   * #unknownDevices}).
   */
  static Map<String, List<GpuHolder>> holders(
      Collection<NodeClaim> claims, Map<String, String> uuidByDevice) {
    Map<String, List<GpuHolder>> byUuid = new HashMap<>();
    for (NodeClaim claim : claims) {
      for (String device : claim.devices()) {
        String uuid = uuidByDevice.get(device);
        if (uuid == null) continue;
        List<GpuHolder> holders = byUuid.computeIfAbsent(uuid, _ -> new ArrayList<>());
        for (String pod : claim.pods()) {
          GpuHolder h = new GpuHolder(claim.namespace(), pod, null);
          if (!holders.contains(h)) holders.add(h);
        }
      }
    }
    Map<String, List<GpuHolder>> frozen = new HashMap<>();
    byUuid.forEach(
        (uuid, holders) -> {
          if (holders.isEmpty()) return; // allocated, but no pod reserved it (yet, or any more)
          holders.sort(Comparator.comparing(GpuHolder::namespace).thenComparing(GpuHolder::pod));
          frozen.put(uuid, List.copyOf(holders));
        });
    return Map.copyOf(frozen);
  }

  /** Whether a claim names a device the slices read so far do not have. */
  static boolean unknownDevices(Collection<NodeClaim> claims, Map<String, String> uuidByDevice) {
    return claims.stream()
        .flatMap(c -> c.devices().stream())
        .anyMatch(d -> !uuidByDevice.containsKey(d));
  }
}

package dev.bosun.operator.fleet;

import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.operator.client.WatchCache;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceAttribute;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads the fleet: one list per kind (nodes, ResourceSlices, ResourceClaims, GpuNodeHealths,
 * DeviceTaintRules), never a request per node, so a thousand nodes cost five requests.
 */
public final class FleetReader {
  private static final String DRIVER = GpuQuarantine.DRIVER;

  private FleetReader() {}

  public static Fleet read(KubernetesClient client) {
    return new Fleet(
        client.nodes().list(WatchCache.asItStands()).getItems().stream()
            .map(
                n ->
                    new Fleet.Node(
                        n.getMetadata().getName(),
                        n.getSpec().getTaints() == null
                            ? List.of()
                            : n.getSpec().getTaints().stream()
                                .map(t -> new Fleet.Taint(t.getKey(), t.getValue(), t.getEffect()))
                                .toList()))
            .toList(),
        client.resources(ResourceSlice.class).list(WatchCache.asItStands()).getItems().stream()
            .filter(
                s -> DRIVER.equals(s.getSpec().getDriver()) && s.getSpec().getNodeName() != null)
            .flatMap(
                s ->
                    s.getSpec().getDevices().stream()
                        .map(
                            d ->
                                new Fleet.Device(
                                    s.getSpec().getPool().getName(),
                                    d.getName(),
                                    uuid(d.getAttributes()))))
            .toList(),
        client.resources(ResourceClaim.class).inAnyNamespace().list().getItems().stream()
            .filter(c -> c.getStatus() != null && c.getStatus().getAllocation() != null)
            .map(FleetReader::claim)
            .filter(c -> !c.devices().isEmpty())
            .toList(),
        orNoneWhenNotServed(() -> client.resources(GpuNodeHealth.class).list().getItems()).stream()
            .filter(h -> h.getStatus() != null && h.getStatus().gpus() != null)
            .map(h -> new Fleet.HealthReport(nodeOf(h), h.getStatus().gpus()))
            .toList(),
        orNoneWhenNotServed(
                () ->
                    client
                        .genericKubernetesResources(
                            GpuQuarantine.RULE_API_VERSION, GpuQuarantine.RULE_KIND)
                        .list()
                        .getItems())
            .stream()
            .map(FleetReader::rule)
            .filter(Objects::nonNull)
            .toList());
  }

  private static String uuid(Map<String, DeviceAttribute> attributes) {
    DeviceAttribute uuid = attributes == null ? null : attributes.get("uuid");
    return uuid == null ? null : uuid.getString();
  }

  private static Fleet.Claim claim(ResourceClaim claim) {
    var status = claim.getStatus();
    return new Fleet.Claim(
        claim.getMetadata().getNamespace(),
        claim.getMetadata().getName(),
        status.getAllocation().getDevices() == null
            ? List.of()
            : status.getAllocation().getDevices().getResults().stream()
                .filter(r -> DRIVER.equals(r.getDriver()))
                .map(r -> new Fleet.Held(r.getPool(), r.getDevice()))
                .toList(),
        status.getReservedFor() == null
            ? List.of()
            : status.getReservedFor().stream()
                .filter(r -> "pods".equals(r.getResource()))
                .map(r -> r.getName())
                .toList());
  }

  /** The agent names its GpuNodeHealth after the node and says so in spec.nodeName. */
  private static String nodeOf(GpuNodeHealth health) {
    return health.getSpec() != null && health.getSpec().nodeName() != null
        ? health.getSpec().nodeName()
        : health.getMetadata().getName();
  }

  /** A DeviceTaintRule, or null when it has no taint (the API server requires one). */
  private static Fleet.TaintRule rule(GenericKubernetesResource rule) {
    if (!(rule.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
        || !(spec.get("taint") instanceof Map<?, ?> taint)) {
      return null;
    }
    Map<?, ?> selector = spec.get("deviceSelector") instanceof Map<?, ?> s ? s : Map.of();
    Map<String, String> labels = rule.getMetadata().getLabels();
    return new Fleet.TaintRule(
        rule.getMetadata().getName(),
        labels != null && GpuQuarantine.MANAGER.equals(labels.get(GpuQuarantine.MANAGED_BY)),
        string(selector.get("driver")),
        string(selector.get("pool")),
        string(selector.get("device")),
        new Fleet.Taint(
            string(taint.get("key")), string(taint.get("value")), string(taint.get("effect"))));
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }

  /**
   * A cluster without Bosun's CRDs or without DeviceTaintRules has no health report and no rule.
   */
  private static <T extends HasMetadata> List<T> orNoneWhenNotServed(Supplier<List<T>> list) {
    try {
      return list.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return List.of();
      }
      throw e;
    }
  }
}

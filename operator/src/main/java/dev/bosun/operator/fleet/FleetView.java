package dev.bosun.operator.fleet;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toMap;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.operator.fleet.FleetReport.GpuReport;
import dev.bosun.operator.fleet.FleetReport.NodeReport;
import dev.bosun.operator.fleet.FleetReport.PodRef;
import dev.bosun.operator.fleet.FleetReport.RuleTaint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The fleet as {@code bosun nodes} shows it, from what was read: a pure function. */
public final class FleetView {
  static final String UNREPORTED = "unreported";

  /** A whole GPU or a MIG instance of one, by the GPU's index (as the operator's GpuGate reads). */
  private static final Pattern DEVICE_NAME = Pattern.compile("gpu-(\\d+)(-mig-.*)?");

  private FleetView() {}

  /**
   * Every node with an NVIDIA device, or only {@code onlyNode} when not null, sorted by name; its
   * devices by index, then name.
   */
  public static FleetReport of(Fleet fleet, String onlyNode) {
    Map<String, List<Fleet.Device>> devicesByNode =
        fleet.devices().stream()
            .filter(d -> onlyNode == null || onlyNode.equals(d.node()))
            .collect(groupingBy(Fleet.Device::node));
    Map<String, Fleet.Node> nodes =
        fleet.nodes().stream().collect(toMap(Fleet.Node::name, Function.identity(), (a, b) -> a));
    Map<String, Fleet.HealthReport> reports =
        fleet.reports().stream()
            .collect(toMap(Fleet.HealthReport::node, Function.identity(), (a, b) -> a));
    Map<String, List<PodRef>> pods = podsByDevice(fleet.claims());
    // Rules by the pool they select, so that a thousand quarantined GPUs are not each tried
    // against every device; a rule without a pool selects in every pool.
    Map<String, List<Fleet.TaintRule>> rulesByPool =
        fleet.rules().stream()
            .filter(rule -> rule.pool() != null)
            .collect(groupingBy(Fleet.TaintRule::pool));
    List<Fleet.TaintRule> everyPool =
        fleet.rules().stream().filter(rule -> rule.pool() == null).toList();
    List<NodeReport> result = new ArrayList<>();
    devicesByNode.keySet().stream()
        .sorted()
        .forEach(
            node -> {
              Fleet.HealthReport report = reports.get(node);
              List<Fleet.TaintRule> rules =
                  Stream.concat(
                          rulesByPool.getOrDefault(node, List.of()).stream(), everyPool.stream())
                      .toList();
              List<GpuReport> gpus =
                  devicesByNode.get(node).stream()
                      .map(d -> gpu(d, report, rules, pods))
                      .sorted(
                          Comparator.comparing(
                                  GpuReport::index, Comparator.nullsLast(Comparator.naturalOrder()))
                              .thenComparing(GpuReport::device))
                      .toList();
              result.add(
                  new NodeReport(node, report != null, nodeQuarantine(nodes.get(node)), gpus));
            });
    return new FleetReport(result);
  }

  private static GpuReport gpu(
      Fleet.Device device,
      Fleet.HealthReport report,
      List<Fleet.TaintRule> rules,
      Map<String, List<PodRef>> pods) {
    Integer index = index(device.name());
    Optional<GpuDeviceHealth> health =
        report == null || index == null
            ? Optional.empty()
            : report.gpus().stream().filter(g -> index.equals(g.index())).findFirst();
    return new GpuReport(
        index,
        device.uuid(),
        device.name(),
        health.map(g -> g.health().name()).orElse(UNREPORTED),
        health.map(GpuDeviceHealth::reason).orElse(null),
        rules.stream()
            .filter(rule -> rule.selects(device))
            .sorted(Comparator.comparing(Fleet.TaintRule::name))
            .map(
                rule ->
                    new RuleTaint(
                        rule.name(),
                        rule.bosun(),
                        rule.taint().key(),
                        rule.taint().value(),
                        rule.taint().effect()))
            .toList(),
        pods.getOrDefault(key(device.node(), device.name()), List.of()));
  }

  private static Integer index(String device) {
    Matcher name = DEVICE_NAME.matcher(device);
    return name.matches() ? Integer.valueOf(name.group(1)) : null;
  }

  private static Fleet.Taint nodeQuarantine(Fleet.Node node) {
    return node == null
        ? null
        : node.taints().stream()
            .filter(t -> GpuQuarantine.TAINT_KEY.equals(t.key()))
            .findFirst()
            .orElse(null);
  }

  /** The pods each node/device is reserved for, sorted by namespace and name. */
  private static Map<String, List<PodRef>> podsByDevice(List<Fleet.Claim> claims) {
    Map<String, List<PodRef>> pods = new HashMap<>();
    for (Fleet.Claim claim : claims) {
      for (Fleet.Held held : claim.devices()) {
        for (String pod : claim.pods()) {
          pods.computeIfAbsent(key(held.pool(), held.device()), k -> new ArrayList<>())
              .add(new PodRef(claim.namespace(), pod, claim.name()));
        }
      }
    }
    pods.values()
        .forEach(
            list -> list.sort(Comparator.comparing(PodRef::namespace).thenComparing(PodRef::name)));
    return pods;
  }

  private static String key(String pool, String device) {
    return pool + "/" + device;
  }
}

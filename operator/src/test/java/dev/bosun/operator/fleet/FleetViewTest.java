package dev.bosun.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.operator.fleet.Fleet.Claim;
import dev.bosun.operator.fleet.Fleet.Device;
import dev.bosun.operator.fleet.Fleet.HealthReport;
import dev.bosun.operator.fleet.Fleet.Held;
import dev.bosun.operator.fleet.Fleet.Node;
import dev.bosun.operator.fleet.Fleet.Taint;
import dev.bosun.operator.fleet.Fleet.TaintRule;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code bosun nodes} shows for a fleet: one case per row of the table below. */
class FleetViewTest {
  private static final Taint GPU_TAINT = new Taint("nvidia.com/gpu", "present", "NoSchedule");

  record Case(String name, Fleet fleet, String onlyNode, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
            new Case(
                "a node no agent reports: every GPU unreported",
                fleet(List.of(node("a")), devices("a", 2), List.of(), List.of(), List.of()),
                null,
                List.of(
                    "a reported=false node=- | 0 gpu-0 unreported - q=[] pods=[]",
                    "a reported=false node=- | 1 gpu-1 unreported - q=[] pods=[]")),
            new Case(
                "nodes without an NVIDIA device are left out",
                fleet(
                    List.of(node("a"), node("cpu")),
                    devices("a", 1),
                    List.of(),
                    List.of(),
                    List.of()),
                null,
                List.of("a reported=false node=- | 0 gpu-0 unreported - q=[] pods=[]")),
            new Case(
                "the agent's health by index; a GPU it does not list stays unreported",
                fleet(
                    List.of(node("a")),
                    devices("a", 3),
                    List.of(),
                    List.of(
                        new HealthReport(
                            "a",
                            List.of(
                                health(0, GpuHealthStatus.Healthy, null),
                                health(1, GpuHealthStatus.Unhealthy, "Xid 79")))),
                    List.of()),
                null,
                List.of(
                    "a reported=true node=- | 0 gpu-0 Healthy - q=[] pods=[]",
                    "a reported=true node=- | 1 gpu-1 Unhealthy Xid 79 q=[] pods=[]",
                    "a reported=true node=- | 2 gpu-2 unreported - q=[] pods=[]")),
            new Case(
                "a rule selects by driver, pool and device; an absent field selects every value",
                fleet(
                    List.of(node("a"), node("b")),
                    Stream.concat(devices("a", 2).stream(), devices("b", 1).stream()).toList(),
                    List.of(),
                    List.of(),
                    List.of(
                        rule(
                            "bosun-gpu-a-gpu-1",
                            true,
                            GpuQuarantine.DRIVER,
                            "a",
                            "gpu-1",
                            "NoExecute"),
                        rule("drain-b", false, null, "b", null, "NoSchedule"),
                        rule("other-driver", false, "mig.example.com", null, null, "NoExecute"),
                        rule("every-gpu", false, GpuQuarantine.DRIVER, null, null, "None"))),
                null,
                List.of(
                    "a reported=false node=- | 0 gpu-0 unreported - q=[every-gpu None] pods=[]",
                    "a reported=false node=- | 1 gpu-1 unreported - q=[bosun-gpu-a-gpu-1 bosun NoExecute, every-gpu None] pods=[]",
                    "b reported=false node=- | 0 gpu-0 unreported - q=[drain-b NoSchedule, every-gpu None] pods=[]")),
            new Case(
                "the node's bosun.dev/gpu-unhealthy taint, not its other taints",
                fleet(
                    List.of(
                        new Node(
                            "a",
                            List.of(
                                GPU_TAINT,
                                new Taint(GpuQuarantine.TAINT_KEY, "FallenOffBus", "NoExecute")))),
                    devices("a", 1),
                    List.of(),
                    List.of(),
                    List.of()),
                null,
                List.of(
                    "a reported=false node=FallenOffBus:NoExecute | 0 gpu-0 unreported - q=[] pods=[]")),
            new Case(
                "the pods a claim is reserved for hold each of its devices of the node",
                fleet(
                    List.of(node("a"), node("b")),
                    Stream.concat(devices("a", 3).stream(), devices("b", 1).stream()).toList(),
                    List.of(
                        new Claim(
                            "ml",
                            "train-gpu",
                            List.of(new Held("a", "gpu-0"), new Held("a", "gpu-2")),
                            List.of("train-0")),
                        new Claim(
                            "web", "shared", List.of(new Held("b", "gpu-0")), List.of("z", "y")),
                        new Claim(
                            "ml", "allocated-unused", List.of(new Held("a", "gpu-1")), List.of())),
                    List.of(),
                    List.of()),
                null,
                List.of(
                    "a reported=false node=- | 0 gpu-0 unreported - q=[] pods=[ml/train-0 (train-gpu)]",
                    "a reported=false node=- | 1 gpu-1 unreported - q=[] pods=[]",
                    "a reported=false node=- | 2 gpu-2 unreported - q=[] pods=[ml/train-0 (train-gpu)]",
                    "b reported=false node=- | 0 gpu-0 unreported - q=[] pods=[web/y (shared), web/z (shared)]")),
            new Case(
                "--node keeps one node",
                fleet(
                    List.of(node("a"), node("b")),
                    Stream.concat(devices("a", 1).stream(), devices("b", 1).stream()).toList(),
                    List.of(),
                    List.of(),
                    List.of()),
                "b",
                List.of("b reported=false node=- | 0 gpu-0 unreported - q=[] pods=[]")),
            new Case(
                "GPUs by index as numbers, a MIG instance under its GPU's index",
                fleet(
                    List.of(node("a")),
                    List.of(
                        new Device("a", "gpu-10", "GPU-10"),
                        new Device("a", "gpu-2", "GPU-2"),
                        new Device("a", "gpu-2-mig-1g10gb-0", "MIG-2-0"),
                        new Device("a", "nvswitch", null)),
                    List.of(),
                    List.of(
                        new HealthReport(
                            "a", List.of(health(2, GpuHealthStatus.Degraded, "slow")))),
                    List.of()),
                null,
                List.of(
                    "a reported=true node=- | 2 gpu-2 Degraded slow q=[] pods=[]",
                    "a reported=true node=- | 2 gpu-2-mig-1g10gb-0 Degraded slow q=[] pods=[]",
                    "a reported=true node=- | 10 gpu-10 unreported - q=[] pods=[]",
                    "a reported=true node=- | - nvswitch unreported - q=[] pods=[]")))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void showsTheFleet(Case c) {
    assertThat(lines(FleetView.of(c.fleet(), c.onlyNode())))
        .containsExactlyElementsOf(c.expected());
  }

  /** One line per GPU, with everything the report says of it and of its node. */
  static List<String> lines(FleetReport report) {
    return report.nodes().stream()
        .flatMap(
            n ->
                n.gpus().stream()
                    .map(
                        g ->
                            "%s reported=%s node=%s | %s %s %s %s q=%s pods=%s"
                                .formatted(
                                    n.node(),
                                    n.reported(),
                                    n.quarantine() == null
                                        ? "-"
                                        : n.quarantine().value() + ":" + n.quarantine().effect(),
                                    g.index() == null ? "-" : g.index(),
                                    g.device(),
                                    g.health(),
                                    g.reason() == null ? "-" : g.reason(),
                                    g.quarantine().stream()
                                        .map(
                                            r ->
                                                r.rule()
                                                    + (r.bosun() ? " bosun " : " ")
                                                    + r.effect())
                                        .toList(),
                                    g.pods().stream()
                                        .map(
                                            p ->
                                                p.namespace()
                                                    + "/"
                                                    + p.name()
                                                    + " ("
                                                    + p.claim()
                                                    + ")")
                                        .toList())))
        .toList();
  }

  static Fleet fleet(
      List<Node> nodes,
      List<Device> devices,
      List<Claim> claims,
      List<HealthReport> reports,
      List<TaintRule> rules) {
    return new Fleet(nodes, devices, claims, reports, rules);
  }

  static Node node(String name) {
    return new Node(name, List.of(GPU_TAINT));
  }

  static List<Device> devices(String node, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new Device(node, "gpu-" + i, "GPU-" + node + "-" + i))
        .toList();
  }

  static GpuDeviceHealth health(int index, GpuHealthStatus status, String reason) {
    return new GpuDeviceHealth(
        index, "GPU-" + index, null, null, true, status, reason, null, null, null, null, null);
  }

  static TaintRule rule(
      String name, boolean bosun, String driver, String pool, String device, String effect) {
    return new TaintRule(
        name, bosun, driver, pool, device, new Taint(GpuQuarantine.TAINT_KEY, "Xid79", effect));
  }
}

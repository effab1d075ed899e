package dev.bosun.agent;

import static dev.bosun.agent.FleetDiscoveryTest.gpu;
import static dev.bosun.agent.FleetDiscoveryTest.list;
import static dev.bosun.agent.FleetDiscoveryTest.mig;
import static dev.bosun.agent.FleetDiscoveryTest.slice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.gpu.metrics.GpuHolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which pods hold which GPUs of node {@code n1}, from the claims allocated in the cluster. */
class ClaimAttributionTest {

  static final String NODE = "n1";
  static final String DRIVER = "gpu.nvidia.com";

  /** Node n1: GPUs 0-3 whole, GPU 4 split into two MIG instances; node n2: GPU 0. */
  static final Map<String, String> DEVICES;

  static {
    try {
      DEVICES =
          ClaimAttribution.uuidByDevice(
              list(
                  slice(
                      NODE,
                      DRIVER,
                      gpu(0, "GPU-0", "0000:18:00.0"),
                      gpu(1, "GPU-1", "0000:2a:00.0"),
                      gpu(2, "GPU-2", "0000:3a:00.0"),
                      gpu(3, "GPU-3", "0000:5d:00.0"),
                      mig(4, 0, "GPU-4", "0000:9a:00.0"),
                      mig(4, 1, "GPU-4", "0000:9a:00.0")),
                  slice("n2", DRIVER, gpu(0, "GPU-n2-0", "0000:18:00.0")),
                  slice(NODE, "other.example.com", gpu(7, "GPU-other", "0000:ab:00.0"))),
              NODE);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A claim in namespace {@code ns} with results {@code pool/device} and the pods it is for. */
  static String claim(String ns, String name, List<String> results, List<String> pods) {
    return claim(ns, name, results, pods, DRIVER, false);
  }

  static String claim(
      String ns,
      String name,
      List<String> results,
      List<String> pods,
      String driver,
      boolean adminAccess) {
    List<String> r = new ArrayList<>();
    for (String result : results) {
      String[] poolDevice = result.split("/");
      r.add(
          """
          {"request": "gpus", "driver": "%s", "pool": "%s", "device": "%s"%s}"""
              .formatted(
                  driver,
                  poolDevice[0],
                  poolDevice[1],
                  adminAccess ? ", \"adminAccess\": true" : ""));
    }
    List<String> p = new ArrayList<>();
    for (String pod : pods)
      p.add(
          """
          {"resource": "pods", "name": "%s", "uid": "uid-%s"}"""
              .formatted(pod, pod));
    return """
        {"metadata": {"namespace": "%s", "name": "%s"},
         "status": {"allocation": {"devices": {"results": [%s]}}, "reservedFor": [%s]}}"""
        .formatted(ns, name, String.join(",", r), String.join(",", p));
  }

  static Arguments row(String what, List<String> claims, Map<String, List<String>> expected) {
    return Arguments.of(what, claims, expected);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        row(
            "one pod, one GPU",
            List.of(claim("a", "c1", List.of("n1/gpu-1"), List.of("p1"))),
            Map.of("GPU-1", List.of("a/p1"))),
        row(
            "two pods, each its own GPUs, no other",
            List.of(
                claim("a", "c1", List.of("n1/gpu-0", "n1/gpu-1"), List.of("p1")),
                claim("b", "c2", List.of("n1/gpu-3"), List.of("p2"))),
            Map.of("GPU-0", List.of("a/p1"), "GPU-1", List.of("a/p1"), "GPU-3", List.of("b/p2"))),
        row(
            "a shared claim: its GPU held by both pods",
            List.of(claim("a", "shared", List.of("n1/gpu-2"), List.of("p2", "p1"))),
            Map.of("GPU-2", List.of("a/p1", "a/p2"))),
        row(
            "a claim on another node is not this node's",
            List.of(
                claim("a", "c1", List.of("n2/gpu-0"), List.of("p1")),
                claim("a", "c2", List.of("n1/gpu-0"), List.of("p2"))),
            Map.of("GPU-0", List.of("a/p2"))),
        row(
            "MIG instances are keyed by their own UUID; the parent GPU stays free",
            List.of(
                claim("a", "c1", List.of("n1/gpu-4-mig-1g10gb-0"), List.of("p1")),
                claim("b", "c2", List.of("n1/gpu-4-mig-1g10gb-1"), List.of("p2"))),
            Map.of("MIG-4-0", List.of("a/p1"), "MIG-4-1", List.of("b/p2"))),
        row(
            "allocated but reserved for no pod (yet): free",
            List.of(claim("a", "c1", List.of("n1/gpu-1"), List.of())),
            Map.of()),
        row(
            "another driver's device on this node: not a GPU of NVIDIA's driver",
            List.of(
                claim("a", "c1", List.of("n1/gpu-7"), List.of("p1"), "other.example.com", false)),
            Map.of()),
        row(
            "admin access is a monitor looking, not a holder",
            List.of(claim("a", "c1", List.of("n1/gpu-1"), List.of("p1"), DRIVER, true)),
            Map.of()),
        row(
            "a device the slices do not have is left out",
            List.of(claim("a", "c1", List.of("n1/gpu-9", "n1/gpu-0"), List.of("p1"))),
            Map.of("GPU-0", List.of("a/p1"))),
        row("no claims: every GPU free", List.of(), Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void holdersByUuid(String what, List<String> claims, Map<String, List<String>> expected)
      throws Exception {
    List<ClaimAttribution.NodeClaim> onNode = new ArrayList<>();
    for (String c : claims) ClaimAttribution.onNode(json(c), NODE).ifPresent(onNode::add);

    Map<String, List<String>> got = new TreeMap<>();
    ClaimAttribution.holders(onNode, DEVICES)
        .forEach(
            (uuid, holders) ->
                got.put(uuid, holders.stream().map(h -> h.namespace() + "/" + h.pod()).toList()));

    assertThat(got).isEqualTo(new TreeMap<>(expected));
  }

  @Test
  void theSlicesOfThisNodeAndDriverOnly() {
    assertThat(DEVICES)
        .containsEntry("gpu-0", "GPU-0")
        .containsEntry("gpu-4-mig-1g10gb-1", "MIG-4-1")
        .hasSize(6);
    assertThat(DEVICES.values()).doesNotContain("GPU-n2-0", "GPU-other");
  }

  @Test
  void aDeviceNotInTheSlicesAsksForThemAgain() throws Exception {
    var claim =
        ClaimAttribution.onNode(json(claim("a", "c", List.of("n1/gpu-9"), List.of("p"))), NODE);
    assertThat(ClaimAttribution.unknownDevices(List.of(claim.orElseThrow()), DEVICES)).isTrue();
    var known =
        ClaimAttribution.onNode(json(claim("a", "c", List.of("n1/gpu-0"), List.of("p"))), NODE);
    assertThat(ClaimAttribution.unknownDevices(List.of(known.orElseThrow()), DEVICES)).isFalse();
  }

  @Test
  void aClaimOnlyOnAnotherNodeIsNotKept() throws Exception {
    assertThat(
            ClaimAttribution.onNode(json(claim("a", "c", List.of("n2/gpu-0"), List.of("p"))), NODE))
        .isEmpty();
    assertThat(ClaimAttribution.onNode(json("{\"metadata\": {\"name\": \"pending\"}}"), NODE))
        .as("not allocated yet")
        .isEmpty();
  }

  @Test
  void theHolderNamesNoContainer() throws Exception {
    var c = ClaimAttribution.onNode(json(claim("a", "c", List.of("n1/gpu-0"), List.of("p"))), NODE);
    assertThat(ClaimAttribution.holders(List.of(c.orElseThrow()), DEVICES).get("GPU-0"))
        .containsExactly(new GpuHolder("a", "p", null));
  }

  private static JsonNode json(String json) throws Exception {
    return FleetDiscoveryTest.JSON.readTree(json);
  }
}

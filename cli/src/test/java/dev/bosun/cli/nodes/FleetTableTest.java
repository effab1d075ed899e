package dev.bosun.cli.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.operator.fleet.Fleet;
import dev.bosun.operator.fleet.FleetReport;
import dev.bosun.operator.fleet.FleetReport.GpuReport;
import dev.bosun.operator.fleet.FleetReport.NodeReport;
import dev.bosun.operator.fleet.FleetReport.PodRef;
import dev.bosun.operator.fleet.FleetReport.RuleTaint;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FleetTableTest {
  private static final RuleTaint BOSUN_RULE =
      new RuleTaint("bosun-gpu-a-gpu-1", true, "bosun.dev/gpu-unhealthy", "Xid79", "NoExecute");
  private static final RuleTaint FOREIGN_RULE =
      new RuleTaint("maintenance", false, "example.com/maintenance", null, "NoSchedule");
  private static final Fleet.Taint NODE_TAINT =
      new Fleet.Taint("bosun.dev/gpu-unhealthy", "FallenOffBus", "NoSchedule");

  static Stream<Arguments> quarantines() {
    return Stream.of(
        Arguments.of(List.of(), null, "-"),
        Arguments.of(List.of(BOSUN_RULE), null, "device:NoExecute"),
        Arguments.of(List.of(FOREIGN_RULE), null, "rule maintenance:NoSchedule"),
        Arguments.of(List.of(), NODE_TAINT, "node:NoSchedule"),
        Arguments.of(
            List.of(BOSUN_RULE, FOREIGN_RULE),
            NODE_TAINT,
            "device:NoExecute,rule maintenance:NoSchedule,node:NoSchedule"));
  }

  @ParameterizedTest
  @MethodSource("quarantines")
  void theQuarantineColumnNamesWhatKeepsWorkOff(
      List<RuleTaint> rules, Fleet.Taint nodeTaint, String expected) {
    GpuReport gpu = gpu(rules, List.of());
    assertThat(FleetTable.quarantine(new NodeReport("a", true, nodeTaint, List.of(gpu)), gpu))
        .isEqualTo(expected);
  }

  @Test
  void oneAlignedRowPerGpuUnderAHeader() {
    var report =
        new FleetReport(
            List.of(
                new NodeReport(
                    "gpu-node-0000",
                    true,
                    null,
                    List.of(
                        gpu(List.of(BOSUN_RULE), List.of(new PodRef("ml", "train-0", "c"))),
                        new GpuReport(
                            null, null, "nvswitch", "unreported", null, List.of(), List.of())))));

    assertThat(FleetTable.render(report).lines().toList())
        .containsExactly(
            "NODE           GPU  DEVICE    UUID   HEALTH      REASON  QUARANTINE        PODS",
            "gpu-node-0000  1    gpu-1     GPU-1  Unhealthy   Xid 79  device:NoExecute  ml/train-0",
            "gpu-node-0000  -    nvswitch  -      unreported  -       -                 -");
  }

  /** The JSON shape is documented for scripts: every field, nulls and empty lists included. */
  @Test
  void theJsonShapeKeepsEveryField() throws Exception {
    var report =
        new FleetReport(
            List.of(
                new NodeReport(
                    "a",
                    false,
                    NODE_TAINT,
                    List.of(gpu(List.of(BOSUN_RULE), List.of(new PodRef("ml", "p", "c")))))));

    var tree = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(report));

    var node = tree.get("nodes").get(0);
    assertThat(node.properties())
        .extracting(e -> e.getKey())
        .containsExactly("node", "reported", "quarantine", "gpus");
    assertThat(node.get("quarantine").get("effect").asText()).isEqualTo("NoSchedule");
    var gpu = node.get("gpus").get(0);
    assertThat(gpu.properties())
        .extracting(e -> e.getKey())
        .containsExactly("index", "uuid", "device", "health", "reason", "quarantine", "pods");
    assertThat(gpu.get("quarantine").get(0).properties())
        .extracting(e -> e.getKey())
        .containsExactly("rule", "bosun", "key", "value", "effect");
    assertThat(gpu.get("pods").get(0).properties())
        .extracting(e -> e.getKey())
        .containsExactly("namespace", "name", "claim");
  }

  private static GpuReport gpu(List<RuleTaint> rules, List<PodRef> pods) {
    return new GpuReport(1, "GPU-1", "gpu-1", "Unhealthy", "Xid 79", rules, pods);
  }
}

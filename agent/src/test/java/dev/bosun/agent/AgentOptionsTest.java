package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

  static AgentOptions options(String node, int port, Integer simulate, Duration interval) {
    return new AgentOptions(
        node, null, port, interval, Duration.ofSeconds(60), simulate, null, null, true);
  }

  @Test
  void everyRuleNamesItsOptionAndTheReason() {
    assertThatThrownBy(() -> options(null, 0, 8, Duration.ofSeconds(1)))
        .isInstanceOf(AgentOptions.InvalidOption.class)
        .hasMessage(
            "--node: no node name: pass --node NAME or set NODE_NAME (the DaemonSet sets it from spec.nodeName)");
    assertThatThrownBy(() -> options("Not_A_Node", 0, 8, Duration.ofSeconds(1)))
        .hasMessageStartingWith("--node: 'Not_A_Node' is not a valid node name");
    assertThatThrownBy(() -> options("n1", 0, 65, Duration.ofSeconds(1)))
        .hasMessage("--simulate: takes 1 to 64 GPUs, not 65");
    assertThatThrownBy(() -> options("n1", 0, 0, Duration.ofSeconds(1)))
        .hasMessage("--simulate: takes 1 to 64 GPUs, not 0");
    assertThatThrownBy(() -> options("n1", 65536, 8, Duration.ofSeconds(1)))
        .hasMessage("--port: 65536 is not a port (0 to 65535; 0 picks a free one)");
    assertThatThrownBy(() -> options("n1", 0, 8, Duration.ofMillis(10)))
        .hasMessage("--interval: must be at least 100ms, not 10ms");
    assertThatThrownBy(
            () ->
                new AgentOptions(
                    "n1",
                    null,
                    0,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1),
                    null,
                    null,
                    null,
                    false))
        .hasMessage("--heartbeat: must not be shorter than --interval (2000ms), not 1000ms");
  }

  @Test
  void theSmallestAndLargestAllowedValuesPass() {
    assertThat(options("gpu-node-0000", 65535, 64, Duration.ofMillis(100)).simulate())
        .isEqualTo(64);
    assertThat(options("n1", -1, 1, Duration.ofMillis(100)).port()).isEqualTo(-1);
    assertThat(
            new AgentOptions(
                    "n1",
                    null,
                    0,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    null,
                    Path.of("/dev/kmsg"),
                    null,
                    false)
                .heartbeat())
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void durationsReadTheWayKubectlUsersWriteThem() {
    assertThat(AgentOptions.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AgentOptions.duration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(AgentOptions.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(AgentOptions.duration("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> AgentOptions.duration("soon"))
        .hasMessage("'soon' is not a duration (500ms, 1s, 2m or PT1S)");
    assertThatThrownBy(() -> AgentOptions.duration("xms"))
        .hasMessage("'xms' is not a duration (500ms, 1s, 2m or PT1S)");
  }
}

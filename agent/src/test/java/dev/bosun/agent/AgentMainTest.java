package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentMainTest {

  static AgentMain.Options options(String node, Integer simulate, Duration interval, Path kmsg) {
    return new AgentMain.Options(
        node, null, -1, interval, Duration.ofSeconds(60), simulate, kmsg, null, true);
  }

  static String run(AgentMain.Options o, int expectedExit) {
    var err = new ByteArrayOutputStream();
    assertThat(AgentMain.run(o, new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(expectedExit);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badOptionsExitWithTwoAndOneLineWithoutAStackTrace() {
    assertThat(run(options(null, 8, Duration.ofSeconds(1), null), 2))
        .isEqualTo(
            "bosun agent: no node name: pass --node NAME or set NODE_NAME (the DaemonSet sets it from spec.nodeName)\n");
    assertThat(run(options("Not_A_Node", 8, Duration.ofSeconds(1), null), 2))
        .contains("is not a valid node name");
    assertThat(run(options("n1", 65, Duration.ofSeconds(1), null), 2))
        .contains("--simulate takes 1 to 64");
    assertThat(run(options("n1", 8, Duration.ofMillis(10), null), 2))
        .contains("--interval must be at least 100ms");
    assertThat(run(options("n1", 8, Duration.ofSeconds(1), Path.of("/no/such/kmsg")), 2))
        .isEqualTo("bosun agent: cannot read the kernel log /no/such/kmsg\n")
        .doesNotContain("Exception");
  }

  @Test
  void durationsReadTheWayKubectlUsersWriteThem() {
    assertThat(AgentMain.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AgentMain.duration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(AgentMain.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(AgentMain.duration("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> AgentMain.duration("soon"))
        .hasMessage("'soon' is not a duration (500ms, 1s, 2m or PT1S)");
  }
}

package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The agent's one parser: defaults from {@link AgentOptions}, bad input exits 2 in one line. */
class AgentCommandTest {

  record Run(int exit, String err) {}

  static Run run(String... args) {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new AgentCommand()).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(exit, err.toString());
  }

  @Test
  void theDefaultsAreAgentOptionsOwn() {
    AgentCommand command = new AgentCommand();
    new CommandLine(command).parseArgs("--node", "n1");
    assertThat(command.port).isEqualTo(Integer.parseInt(AgentOptions.DEFAULT_PORT));
    assertThat(command.interval)
        .isEqualTo(AgentOptions.duration(AgentOptions.DEFAULT_INTERVAL))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(command.heartbeat).isEqualTo(AgentOptions.duration(AgentOptions.DEFAULT_HEARTBEAT));
    assertThat(command.offline).isFalse();
    assertThat(command.simulate).isNull();
  }

  @Test
  void badOptionsExitWithTwoAndOneLineWithoutAStackTrace() {
    assertThat(run("--node", "n1", "--simulate", "65", "--offline"))
        .isEqualTo(new Run(2, "bosun agent: --simulate: takes 1 to 64 GPUs, not 65\n"));
    assertThat(run("--node", "n1", "--simulate", "8", "--offline", "--kmsg", "/no/such/kmsg"))
        .isEqualTo(new Run(2, "bosun agent: --kmsg: cannot read the kernel log /no/such/kmsg\n"));
    Run badDuration = run("--node", "n1", "--interval", "soon");
    assertThat(badDuration.exit()).isEqualTo(2);
    assertThat(badDuration.err())
        .startsWith(
            "Invalid value for option '--interval': 'soon' is not a duration (500ms, 1s, 2m or PT1S)")
        .doesNotContain("Exception");
    Run unknown = run("--node", "n1", "--bogus");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("Unknown option: '--bogus'");
  }
}

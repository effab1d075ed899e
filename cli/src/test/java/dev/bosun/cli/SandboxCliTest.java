package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bosun sandbox} with bad flags: exit code 2, a message that names the flag, no stack trace,
 * and no request made (these fail before a cluster is contacted: none is configured here).
 */
class SandboxCliTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "create --template agent --ttl -1h           | --ttl",
        "create --template agent --ttl 0s            | --ttl",
        "create --template agent --ttl 2d            | --ttl",
        "create --template agent --idle-timeout 5    | --idle-timeout",
        "create --template agent --env 1A=b          | --env",
        "create --template agent --env NOVALUE       | --env",
        "create --template agent --shutdown-policy X | --shutdown-policy",
        "create --template agent -o yaml             | --output",
        "create --ttl 2h                             | --template",
        "extend agent-1                              | --ttl",
        "extend agent-1 --ttl forever                | --ttl",
        "status                                      | NAME",
        "resume agent-1 --timeout 1x                 | --timeout",
      })
  void aBadFlagIsInvalidInputNamingTheFlag(String flags, String named) {
    var args = ("sandbox " + flags.strip()).split(" +");
    CliTest.Run run = CliTest.bosun(args);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(named).doesNotContain("\tat ", "Exception");
  }
}

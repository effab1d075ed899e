package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bosun dev load} and {@code bosun dev model-servers} with bad flags: exit code 2, a message
 * that names the flag, no stack trace, nothing sent or started (each is checked before the router
 * or the cluster is looked for).
 */
class DevLoadCliTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "load chat                                         | --rps",
        "load chat --rps 0                                 | --rps",
        "load chat --rps 10001                             | --rps",
        "load chat --rps ten                               | --rps",
        "load chat --rps 10 --duration 0s                  | --duration",
        "load chat --rps 10 --duration 61m                 | --duration",
        "load chat --rps 10 --duration 10                  | --duration",
        "load chat --rps 10 --max-in-flight 0              | --max-in-flight",
        "load Chat --rps 10                                | WORKLOAD",
        "load ../chat --rps 10                             | WORKLOAD",
        "load chat -n Team_A --rps 10                      | --namespace",
        "load chat --rps 10 --path v1/completions          | --path",
        "load chat --rps 10 --path /v1/a^b                 | --path",
        "load chat --rps 10 --url ftp://example.com        | --url",
        "load chat --rps 10 --url http://                  | --url",
        "load chat --rps 10 -o yaml                        | --output",
        "model-servers --capacity 0                        | --capacity",
        "model-servers --capacity 1025                     | --capacity",
        "model-servers --service-time 2m                   | --service-time",
        "model-servers --service-time soon                 | --service-time",
        "model-servers --max-waiting -1                    | --max-waiting",
      })
  void aBadFlagIsInvalidInputNamingTheFlag(String flags, String named) {
    var args = ("dev " + flags.strip()).split(" +");
    CliTest.Run run = CliTest.bosun(args);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(named).doesNotContain("\tat ", "Exception");
  }
}

package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bosun dev fault} with bad flags: exit code 2, a message that names the flag, no stack
 * trace, and nothing written (none of these reaches a node's files).
 */
class DevFaultCliTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--node gpu-node-0000 --gpu 0 --xid 0                | --xid",
        "--node gpu-node-0000 --gpu 0 --xid 999              | --xid",
        "--node gpu-node-0000 --gpu 0 --xid -79              | --xid",
        "--node gpu-node-0000 --gpu 0 --xid seventy-nine     | --xid",
        "--node gpu-node-0000 --gpu -1 --ecc                 | --gpu",
        "--node gpu-node-0000 --gpu three --ecc              | --gpu",
        "--node no-such-node-in-any-fleet --gpu 0 --clear    | --node",
        "--node ../../etc --gpu 0 --clear                    | --node",
        "--gpu 0 --clear                                     | --node",
        "--node gpu-node-0000 --clear                        | --gpu",
        "--node gpu-node-0000 --gpu 0                        | --xid",
        "--node gpu-node-0000 --gpu 0 --ecc --fall-off-bus   | --fall-off-bus",
        "--node gpu-node-0000 --gpu 0 --ecc -o yaml          | --output",
      })
  void aBadFlagIsInvalidInputNamingTheFlag(String flags, String named) {
    var args = ("dev fault " + flags.strip()).split(" +");
    CliTest.Run run = CliTest.bosun(args);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(named).doesNotContain("\tat ", "Exception");
  }
}

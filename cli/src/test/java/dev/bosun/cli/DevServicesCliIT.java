package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bosun dev volumes}, {@code sandbox-servers} and {@code model-servers} without a local
 * cluster: exit code 3 (unavailable), one line that says what to run, no stack trace, nothing
 * started.
 */
class DevServicesCliIT {

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "volumes",
        "sandbox-servers",
        "volumes --foreground",
        "sandbox-servers --foreground",
        "model-servers",
        "model-servers --foreground"
      })
  void withoutAClusterItSaysToStartOne(String command) throws Exception {
    var args = ("dev " + command).split(" ");
    var run = BosunProcess.jar(args).env("BOSUN_DEV_HOME", home.toString()).run();

    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo("The local cluster is not running: start it with `bosun dev up`.\n");
    assertThat(home.resolve("processes")).doesNotExist();
  }
}

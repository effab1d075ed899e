package dev.bosun.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The image build's scripts ({@code images/src/build}), run by the tests that rebuild parts. */
final class ImageScripts {

  /** The images module, the parent of the test module's working directory. */
  static final Path IMAGES = Path.of(System.getProperty("user.dir")).resolve("..");

  private ImageScripts() {}

  /**
   * Runs {@code script} (in {@code images/src/build}) with {@code arguments} and {@code
   * environment} added to this process's; fails the test with its output if it fails or outlives
   * {@code timeout}.
   */
  static void run(
      String script, List<String> arguments, Map<String, String> environment, Duration timeout)
      throws Exception {
    Path log = Files.createTempFile("bosun-" + script, ".log");
    var command = new ArrayList<String>();
    command.add(IMAGES.resolve("src/build").resolve(script).toString());
    command.addAll(arguments);
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish; its log: " + log);
    }
    assertThat(p.exitValue()).as(command + ": " + Files.readString(log)).isZero();
  }
}

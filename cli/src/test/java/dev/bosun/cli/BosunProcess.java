package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The packaged CLI run as its own process, as a shell runs it: through {@code ./bosun} or the bare
 * jar, with the standard streams, user and locale a test chooses. Runs through the launcher set
 * {@code -XX:AOTMode=on}, which makes the JVM fail when the cache is missing or does not match the
 * launcher's options.
 */
final class BosunProcess {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** What a run said and how it ended. */
  record Result(int exitCode, String out, String err) {}

  private final List<String> command;
  private final Map<String, String> environment = new HashMap<>();
  private List<String> user = List.of();
  private boolean stdinClosed;
  private byte[] input = new byte[0];
  private File inputFile;
  private File outputFile;
  private Duration within = Duration.ofSeconds(60);

  private BosunProcess(List<String> command) {
    this.command = command;
    // The OS's own words (strerror) in English, whatever the machine's locale.
    environment.put("LC_ALL", "C.UTF-8");
  }

  /** {@code ./bosun ARGS}. */
  static BosunProcess launcher(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bosun").toString()));
    command.addAll(List.of(args));
    return new BosunProcess(command).env("JDK_JAVA_OPTIONS", "-XX:AOTMode=on");
  }

  /**
   * {@code bosun dev ARGS} against the local cluster at {@code home}; fails the test unless it
   * exits 0; its output.
   */
  static String dev(Path home, String... args) {
    var command = new ArrayList<>(List.of("dev"));
    command.addAll(List.of(args));
    try {
      var run =
          jar(command.toArray(String[]::new))
              .env("BOSUN_DEV_HOME", home.toString())
              .within(Duration.ofMinutes(5))
              .run();
      assertThat(run.exitCode()).as("bosun %s: %s", command, run.err()).isZero();
      return run.out();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A port free now, for a process to listen on. */
  static String freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return Integer.toString(socket.getLocalPort());
    }
  }

  /** {@code java -jar cli/target/bosun-cli.jar ARGS}: the CLI without its launcher's help. */
  static BosunProcess jar(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ROOT.resolve("cli/target/bosun-cli.jar").toString()));
    command.addAll(List.of(args));
    return new BosunProcess(command);
  }

  BosunProcess env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Runs it as {@code nobody}, for whom file permissions count even when the tests run as root. */
  BosunProcess asNobody() {
    user = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    return this;
  }

  /** Starts it with descriptor 0 closed, as {@code <&-} does in a shell. */
  BosunProcess stdinClosed() {
    stdinClosed = true;
    return this;
  }

  BosunProcess stdin(byte[] bytes) {
    input = bytes;
    return this;
  }

  BosunProcess stdinFrom(Path file) {
    inputFile = file.toFile();
    return this;
  }

  /** How long it may run before the test fails (and the process is killed); 60 s unless set. */
  BosunProcess within(Duration limit) {
    within = limit;
    return this;
  }

  BosunProcess stdoutTo(Path file) {
    outputFile = file.toFile();
    return this;
  }

  Result run() throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(user);
    if (stdinClosed) {
      // Java cannot start a process without descriptor 0; the shell closes it, then becomes it.
      full.addAll(List.of("bash", "-c", "exec \"$@\" <&-", "bash"));
    }
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).directory(ROOT.toFile());
    builder.environment().putAll(environment);
    Path out = Files.createTempFile("bosun-out", ".txt");
    Path err = Files.createTempFile("bosun-err", ".txt");
    try {
      builder
          .redirectOutput(outputFile != null ? Redirect.to(outputFile) : Redirect.to(out.toFile()))
          .redirectError(err.toFile());
      if (inputFile != null) {
        builder.redirectInput(inputFile);
      }
      Process process = builder.start();
      if (inputFile == null) {
        try (OutputStream stdin = process.getOutputStream()) {
          stdin.write(input);
        } catch (IOException refusedBeforeReadingItAll) {
          // The CLI may refuse its input before it has read all of it.
        }
      }
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("bosun " + command + " did not finish within " + within);
      }
      String stderr =
          Files.readString(err)
              .lines()
              .filter(line -> !line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS"))
              .map(line -> line + "\n")
              .collect(Collectors.joining());
      return new Result(process.exitValue(), Files.readString(out), stderr);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}

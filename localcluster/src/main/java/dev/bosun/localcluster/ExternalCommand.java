package dev.bosun.localcluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A command line run to completion, its output merged, kept and optionally streamed. */
final class ExternalCommand {

  private static final int KEPT_LINES = 200;

  private final List<String> command;
  private final Map<String, String> environment = new HashMap<>();
  private Consumer<String> lineConsumer = line -> {};
  private Duration timeout = Duration.ofMinutes(60);

  private ExternalCommand(List<String> command) {
    this.command = List.copyOf(command);
  }

  static ExternalCommand of(String... command) {
    return new ExternalCommand(List.of(command));
  }

  static ExternalCommand of(List<String> command) {
    return new ExternalCommand(command);
  }

  ExternalCommand environment(Map<String, String> variables) {
    environment.putAll(variables);
    return this;
  }

  ExternalCommand streaming(Consumer<String> consumer) {
    this.lineConsumer = consumer;
    return this;
  }

  ExternalCommand timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  Result run() {
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
    }
    Deque<String> kept = new ArrayDeque<>();
    // Read on a virtual thread so that the timeout below holds even when the output is silent.
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var lines =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                      lineConsumer.accept(line);
                      synchronized (kept) {
                        kept.addLast(line);
                        if (kept.size() > KEPT_LINES) {
                          kept.removeFirst();
                        }
                      }
                    }
                  } catch (IOException ignored) {
                    // The process ended or was destroyed; what was read is kept.
                  }
                });
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        reader.join(Duration.ofSeconds(5));
        return new Result(-1, snapshot(kept), true);
      }
      reader.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
    }
    return new Result(process.exitValue(), snapshot(kept), false);
  }

  private static List<String> snapshot(Deque<String> kept) {
    synchronized (kept) {
      return new ArrayList<>(kept);
    }
  }

  record Result(int exitCode, List<String> output, boolean timedOut) {

    boolean succeeded() {
      return exitCode == 0 && !timedOut;
    }

    String text() {
      return String.join("\n", output);
    }

    String lastLines(int count) {
      return String.join("\n", output.subList(Math.max(0, output.size() - count), output.size()));
    }
  }
}

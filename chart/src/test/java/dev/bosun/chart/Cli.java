package dev.bosun.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command-line tool (Helm, kubectl) run to completion with its output merged. */
record Cli(Path binary, Map<String, String> environment) {

  record Result(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }

    Result orThrow() {
      if (!succeeded()) {
        throw new IllegalStateException("exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  Result run(String... arguments) {
    return run(List.of(arguments));
  }

  Result run(List<String> arguments) {
    var command = new ArrayList<String>();
    command.add(binary.toString());
    command.addAll(arguments);
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The same tool pointed at a cluster. */
  Cli withKubeconfig(Path kubeconfig) {
    var withConfig = new HashMap<>(environment);
    withConfig.put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    return new Cli(binary, Map.copyOf(withConfig));
  }
}

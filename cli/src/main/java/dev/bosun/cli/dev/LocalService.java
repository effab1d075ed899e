package dev.bosun.cli.dev;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A service of the local cluster that {@code bosun dev} runs in a background JVM until {@code bosun
 * dev down} (the volume provisioner, the stand-in sandbox and model servers): started as {@code
 * bosun dev <name> --foreground}, recorded in {@link BackgroundProcesses}, ready once it wrote
 * {@code <home>/<name>.ready}.
 *
 * @param name the subcommand and the process's record
 * @param what what it is, for messages: "the volume provisioner"
 */
record LocalService(String name, String what) {

  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private Path readyFile() {
    return LocalCluster.defaultHome().toAbsolutePath().resolve(name + ".ready");
  }

  /**
   * Starts it in the background unless it runs, with {@code options} after {@code --foreground};
   * says so on {@code err}.
   */
  int startInBackground(PrintWriter err, String... options) {
    if (!Files.exists(LocalCluster.defaultKubeconfig())) {
      err.println("The local cluster is not running: start it with `bosun dev up`.");
      return ExitCodes.UNAVAILABLE;
    }
    var processes = BackgroundProcesses.atDefaultHome();
    var running = processes.running(name);
    if (running.isPresent()) {
      err.printf(
          "Already running: %s, pid %d (log: %s)%n",
          what, running.get().pid(), running.get().log());
      return ExitCodes.OK;
    }
    try {
      Files.deleteIfExists(readyFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + readyFile(), e);
    }
    var command = new ArrayList<String>(List.of("dev", name, "--foreground"));
    command.addAll(List.of(options));
    var started = processes.start(name, DevCommand.thisCli(command.toArray(String[]::new)));
    Optional<String> failure =
        processes.awaitReady(
            started,
            what + " started",
            READY_WITHIN,
            DevCommand.STOP_GRACE,
            () -> Files.exists(readyFile()));
    if (failure.isPresent()) {
      err.println("Could not start " + what + ": " + failure.get());
      return ExitCodes.FAILED;
    }
    err.printf("Started %s, pid %d (log: %s)%n", what, started.pid(), started.log());
    return ExitCodes.OK;
  }

  /**
   * Runs the service {@code start} makes in this process until it is told to stop (SIGTERM), then
   * closes it: what the background process runs.
   */
  int runInForeground(PrintWriter err, Function<KubernetesClient, ? extends AutoCloseable> start) {
    Path kubeconfig = LocalCluster.defaultKubeconfig();
    if (!Files.exists(kubeconfig)) {
      err.println("The local cluster is not running: start it with `bosun dev up`.");
      return ExitCodes.UNAVAILABLE;
    }
    var client = KubeClients.forKubeconfig(kubeconfig);
    AutoCloseable service;
    try {
      service = start.apply(client);
      Files.writeString(readyFile(), Clock.systemUTC().instant() + "\n");
    } catch (IOException | RuntimeException e) {
      err.println("bosun dev " + name + ": cannot start: " + e.getMessage());
      client.close();
      return ExitCodes.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (Exception e) {
                    err.println("bosun dev " + name + ": " + e.getMessage());
                  }
                  client.close();
                  err.flush();
                  stopped.countDown();
                },
                "bosun-dev-" + name + "-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  /** A line on {@code err}, flushed: the background process's log. */
  static Consumer<String> logTo(PrintWriter err) {
    return line -> {
      err.println(Clock.systemUTC().instant() + " " + line);
      err.flush();
    };
  }
}

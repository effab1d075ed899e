package dev.bosun.cli.dev;

import dev.bosun.agent.AgentCommand;
import dev.bosun.agent.AgentMain;
import dev.bosun.agent.SimulatedFleet;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.PodEndpoint;
import dev.bosun.localcluster.PodNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bosun dev agents}: the node agents of the local cluster's simulated GPU nodes, all in one
 * process in the background ({@link SimulatedFleet}), recorded so that {@code bosun dev down} stops
 * it. Each node's kernel log and NVML state live in {@code <home>/agents/<node>/}, where {@code
 * bosun dev fault} writes.
 */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description =
        "Start the node agents of the simulated GPU nodes in the background (one process for the"
            + " whole fleet), once Bosun's CRDs are applied; `bosun dev down` stops them.")
public final class AgentsCommand implements Callable<Integer> {

  static final String NAME = "agents";

  /** Written by the fleet process once every node found has an agent. */
  private static final String READY = "ready";

  private static final Duration READY_WITHIN = Duration.ofMinutes(10);

  @Spec CommandSpec spec;

  @Option(
      names = "--interval",
      defaultValue = "1s",
      converter = AgentCommand.DurationConverter.class,
      description = "How often each agent samples its GPUs (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--heartbeat",
      defaultValue = "60s",
      converter = AgentCommand.DurationConverter.class,
      description =
          "The longest an agent goes without rewriting its GpuNodeHealth status and Node"
              + " condition; a thousand nodes at 60s make 33 writes a second (default:"
              + " ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--workers",
      defaultValue = "16",
      description =
          "Threads the agents share; each waits on the API server while an agent writes"
              + " (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--foreground",
      hidden = true,
      description = "Run the fleet in this process (what the background process runs).")
  boolean foreground;

  static Path agentsDir() {
    return LocalCluster.defaultHome().toAbsolutePath().resolve("agents");
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (workers < 1) {
      err.println("--workers: must be at least 1, not " + workers);
      return ExitCodes.INVALID_INPUT;
    }
    if (!interval.isPositive()) {
      err.println("--interval: must be positive, not " + interval);
      return ExitCodes.INVALID_INPUT;
    }
    if (heartbeat.compareTo(interval) < 0) {
      err.println("--heartbeat: must not be shorter than --interval (" + interval + ")");
      return ExitCodes.INVALID_INPUT;
    }
    Path kubeconfig = LocalCluster.defaultKubeconfig();
    if (!Files.exists(kubeconfig)) {
      err.println("The local cluster is not running: start it with `bosun dev up`.");
      return ExitCodes.UNAVAILABLE;
    }
    return foreground ? runFleet(kubeconfig, err) : startInBackground(err);
  }

  private int startInBackground(PrintWriter err) throws IOException {
    var processes = BackgroundProcesses.atDefaultHome();
    var running = processes.running(NAME);
    if (running.isPresent()) {
      err.printf(
          "The agents already run, pid %d (log: %s)%n", running.get().pid(), running.get().log());
      return ExitCodes.OK;
    }
    Path ready = agentsDir().resolve(READY);
    Files.deleteIfExists(ready);
    var started = processes.start(NAME, fleetCommand());
    Optional<String> failure =
        processes.awaitReady(
            started,
            "the agents of every GPU node started",
            READY_WITHIN,
            DevCommand.STOP_GRACE,
            () -> Files.exists(ready));
    if (failure.isPresent()) {
      err.println("The agents did not start: " + failure.get());
      return ExitCodes.FAILED;
    }
    err.printf(
        "The agents of %s simulated GPU nodes run, pid %d (log: %s, node files: %s)%n",
        Files.readString(ready).strip(), started.pid(), started.log(), agentsDir());
    return ExitCodes.OK;
  }

  /** The local cluster's pod network, where the agent pods the fleet plays are reached. */
  private static SimulatedFleet.PodNetwork podNetwork() {
    var network = PodNetwork.atHome(LocalCluster.defaultHome());
    return new SimulatedFleet.PodNetwork() {
      @Override
      public void register(String podIP, int port, InetSocketAddress local) {
        network.register(new PodEndpoint(podIP, port), local);
      }

      @Override
      public void remove(String podIP, int port) {
        network.remove(new PodEndpoint(podIP, port));
      }
    };
  }

  /** The fleet until this process is told to stop. */
  private int runFleet(Path kubeconfig, PrintWriter err) throws IOException {
    var settings =
        new SimulatedFleet.Settings(
            interval,
            heartbeat,
            workers,
            SimulatedFleet.GPU_NODES,
            SimulatedFleet.Settings.defaults().discoverEvery());
    SimulatedFleet fleet;
    try {
      Files.createDirectories(agentsDir());
      fleet =
          SimulatedFleet.start(
              AgentMain.configFor(kubeconfig),
              agentsDir(),
              settings,
              podNetwork(),
              Clock.systemUTC(),
              AgentMain.timestamped(err, "bosun dev agents"));
    } catch (IOException | RuntimeException e) {
      err.println("bosun dev agents: cannot start: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Files.writeString(agentsDir().resolve(READY), fleet.nodes().size() + "\n");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  fleet.close();
                  stopped.countDown();
                },
                "bosun-dev-agents-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  /** This CLI's own JVM, options and class path, running the fleet in the foreground. */
  private List<String> fleetCommand() {
    return DevCommand.thisCli(
        "dev",
        "agents",
        "--foreground",
        "--interval",
        interval.toMillis() + "ms",
        "--heartbeat",
        heartbeat.toMillis() + "ms",
        "--workers",
        Integer.toString(workers));
  }
}

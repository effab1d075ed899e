package dev.bosun.agent;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * Starts the node agent from its options: picks the GPU source and the kernel log, connects to the
 * cluster, and runs until the process is told to stop. {@link AgentCommand} (for {@code bosun
 * agent}) calls {@link #run}; {@link #main} is the same command for a bare {@code java -jar} (the
 * benchmark, a minimal image).
 */
public final class AgentMain {

  public static final Path DEV_KMSG = Path.of("/dev/kmsg");

  private AgentMain() {}

  /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C); returns the exit code. */
  public static int run(AgentOptions o, PrintWriter err) {
    Consumer<String> log = timestamped(err, "bosun agent");
    NodeAgent agent;
    try {
      agent = build(o, log, null).start();
    } catch (AgentOptions.InvalidOption e) {
      err.println("bosun agent: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException | RuntimeException e) {
      err.println("bosun agent: " + describe(e));
      return ExitCodes.FAILED;
    }
    if (o.port() >= 0) log.accept("serving /metrics and /healthz on port " + agent.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.accept("stopping");
                  agent.close();
                  stopped.countDown();
                },
                "bosun-agent-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  /** A log that writes each line to {@code err} after the time (ms) and {@code who}. */
  public static Consumer<String> timestamped(PrintWriter err, String who) {
    return line ->
        err.println(
            DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                + " "
                + who
                + ": "
                + line);
  }

  /**
   * The agent the options describe, not yet started. {@code cluster}: where to publish instead of
   * the kubeconfig's cluster.
   */
  static NodeAgent build(AgentOptions o, Consumer<String> log, Config cluster) throws IOException {
    if (o.kmsg() != null && !Files.isReadable(o.kmsg()))
      throw new AgentOptions.InvalidOption("--kmsg", "cannot read the kernel log " + o.kmsg());

    Instant now = Instant.now();
    GpuSource source;
    if (o.simulate() != null) {
      source =
          new GpuSource.SimulatedSource(
              new SimulatedGpuNode(
                  o.nodeName(),
                  o.simulate(),
                  now.minus(Duration.ofHours(1)),
                  o.nodeName().hashCode()));
    } else {
      switch (GpuSource.detect(now)) {
        case GpuSource.Opened(GpuSource found) -> source = found;
        case GpuSource.NoGpu(var reasons) ->
            throw new IOException(
                "no GPU to watch on this node: "
                    + String.join("; ", reasons)
                    + " (use --simulate N to run with simulated GPUs)");
      }
    }
    log.accept(
        "reading "
            + (source instanceof GpuSource.SimulatedSource
                ? o.simulate() + " simulated GPUs"
                : "GPUs through " + source.name())
            + " every "
            + o.interval().toMillis()
            + " ms");

    Path stateDir =
        o.stateDir() != null
            ? o.stateDir()
            : o.simulate() != null
                ? Files.createTempDirectory("bosun-agent-")
                : AgentOptions.DEFAULT_STATE_DIR;
    KmsgCursorStore cursor = new KmsgCursorStore(stateDir.resolve("kmsg.cursor"));
    FaultIntake.KernelLogOpener kernelLog = kernelLog(o, source, cursor, log);

    KubePublisher publisher = null;
    PolicyReader policy = null;
    GpuHolders holders =
        Files.exists(AgentOptions.POD_RESOURCES_SOCKET)
            ? PodResourcesPoller.start(AgentOptions.POD_RESOURCES_SOCKET, log)
            : GpuHolders.NONE;
    if (!o.offline()) {
      KubeApi api = new KubeApi(cluster != null ? cluster : configFor(o.kubeconfig()));
      publisher = new KubePublisher(api, o.nodeName());
      policy = new PolicyReader(api);
      log.accept(
          "publishing GpuNodeHealth/"
              + o.nodeName()
              + " and the Node condition GpuHealthy to "
              + publisher.masterUrl());
      holders =
          GpuHolders.both(holders, ClaimWatch.start(api, o.nodeName(), Clock.systemUTC(), log));
    }
    InetSocketAddress listen = o.port() < 0 ? null : new InetSocketAddress(o.port());
    return new NodeAgent(
        new NodeAgent.Settings(o.nodeName(), o.interval(), o.heartbeat(), listen),
        source,
        kernelLog,
        publisher,
        new NodeHealthTracker(XidClassifier.withDefaults()),
        policy == null ? null : policy::read,
        holders,
        Clock.systemUTC(),
        log);
  }

  private static FaultIntake.KernelLogOpener kernelLog(
      AgentOptions o, GpuSource source, KmsgCursorStore cursor, Consumer<String> log) {
    Path path = o.kmsg();
    if (path == null && source instanceof GpuSource.SimulatedSource sim) {
      SimulatedGpuNode node = sim.node();
      return wake ->
          KernelLog.polled(
              node::kmsg, cursor, "simulated:" + node.nodeName(), "of the simulated node");
    }
    if (path == null) {
      if (!Files.isReadable(DEV_KMSG)) {
        log.accept(
            "cannot read "
                + DEV_KMSG
                + " (the DaemonSet mounts it and adds CAP_SYSLOG): Xids come from NVML events only");
        return null;
      }
      path = DEV_KMSG;
    }
    Path file = path;
    if (Files.isRegularFile(file)) {
      return wake -> KernelLog.file(file, cursor);
    }
    return wake -> KernelLog.devKmsg(file, cursor, wake);
  }

  /**
   * The cluster in the kubeconfig, or fabric8's default resolution ($KUBECONFIG, ~/.kube/config,
   * in-cluster).
   */
  public static Config configFor(Path kubeconfig) {
    if (kubeconfig == null) return Config.autoConfigure(null);
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new AgentOptions.InvalidOption(
          "--kubeconfig", "cannot read " + kubeconfig + ": " + e.getMessage());
    }
  }

  /** Every distinct message down the cause chain ("An error has occurred." alone helps nobody). */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    Set<String> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.size() < 5; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (!seen.add(m)) continue;
      if (!b.isEmpty()) b.append(": ");
      b.append(m);
    }
    return b.toString();
  }

  /**
   * {@code java -jar bosun-agent.jar [--node NAME] [--kubeconfig FILE] [--port 9400] [--interval
   * 1s] [--heartbeat 60s] [--simulate N] [--kmsg PATH] [--state-dir DIR] [--offline]}: {@code bosun
   * agent} without the rest of the CLI.
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentCommand()).execute(args));
  }
}

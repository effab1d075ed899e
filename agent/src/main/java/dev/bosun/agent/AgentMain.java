package dev.bosun.agent;

import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.PrintStream;
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

/**
 * Starts the node agent from options: picks the GPU source and the kernel log, connects to the
 * cluster, and runs until the process is told to stop. {@code bosun agent} calls {@link #run};
 * {@link #main} is the same without picocli, for a bare {@code java -jar} (the benchmark, a minimal
 * image).
 */
public final class AgentMain {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int INVALID_INPUT = 2;

  /** Where the kernel-log cursor is kept on a real node (a hostPath in the DaemonSet). */
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/bosun-agent");

  public static final Path DEV_KMSG = Path.of("/dev/kmsg");

  /**
   * @param nodeName the Node to publish for; required
   * @param kubeconfig {@code null}: fabric8's default resolution ($KUBECONFIG, ~/.kube/config,
   *     in-cluster)
   * @param port /metrics and /healthz; 0 picks a free port, -1 serves none
   * @param simulate GPUs of a simulated H100 node, or {@code null} for the real GPUs
   * @param kmsg a kernel log: /dev/kmsg (or another character device) or a file of kmsg records;
   *     {@code null}: /dev/kmsg on a real node, the simulator's own log when simulating
   * @param stateDir where the kmsg cursor lives; {@code null}: /var/lib/bosun-agent, or a temporary
   *     directory when simulating
   * @param offline publish nothing to a cluster: /metrics only
   */
  public record Options(
      String nodeName,
      Path kubeconfig,
      int port,
      Duration interval,
      Duration heartbeat,
      Integer simulate,
      Path kmsg,
      Path stateDir,
      boolean offline) {}

  private AgentMain() {}

  /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C); returns the exit code. */
  public static int run(Options o, PrintStream err) {
    Consumer<String> log =
        line ->
            err.println(
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                    + " bosun agent: "
                    + line);
    NodeAgent agent;
    try {
      agent = build(o, log, null).start();
    } catch (InvalidOptions e) {
      err.println("bosun agent: " + e.getMessage());
      return INVALID_INPUT;
    } catch (IOException | RuntimeException e) {
      err.println("bosun agent: " + describe(e));
      return FAILED;
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
    return OK;
  }

  /**
   * The agent the options describe, not yet started. {@code cluster}: where to publish instead of
   * the kubeconfig's cluster.
   */
  static NodeAgent build(Options o, Consumer<String> log, Config cluster) throws IOException {
    if (o.nodeName() == null || o.nodeName().isBlank()) {
      throw new InvalidOptions(
          "no node name: pass --node NAME or set NODE_NAME (the DaemonSet sets it from spec.nodeName)");
    }
    if (!o.nodeName().matches(GpuNodeHealthSpec.NODE_NAME) || o.nodeName().length() > 253) {
      throw new InvalidOptions(
          "'" + o.nodeName() + "' is not a valid node name (lower-case DNS subdomain)");
    }
    if (o.simulate() != null && (o.simulate() < 1 || o.simulate() > 64))
      throw new InvalidOptions("--simulate takes 1 to 64 GPUs");
    if (o.port() > 65535 || o.port() < -1) throw new InvalidOptions("--port must be 0 to 65535");
    if (o.interval() == null || o.interval().toMillis() < 100)
      throw new InvalidOptions("--interval must be at least 100ms");
    Duration heartbeat = o.heartbeat() == null ? Duration.ofSeconds(60) : o.heartbeat();
    if (heartbeat.compareTo(o.interval()) < 0)
      throw new InvalidOptions("--heartbeat must not be shorter than --interval");
    if (o.kmsg() != null && !Files.isReadable(o.kmsg()))
      throw new InvalidOptions("cannot read the kernel log " + o.kmsg());

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
            : o.simulate() != null ? Files.createTempDirectory("bosun-agent-") : DEFAULT_STATE_DIR;
    KmsgCursorStore cursor = new KmsgCursorStore(stateDir.resolve("kmsg.cursor"));
    NodeAgent.KernelLogOpener kernelLog = kernelLog(o, source, cursor, log);

    KubePublisher publisher = null;
    if (!o.offline()) {
      publisher =
          new KubePublisher(
              new KubeApi(cluster != null ? cluster : configFor(o.kubeconfig())), o.nodeName());
      log.accept(
          "publishing GpuNodeHealth/"
              + o.nodeName()
              + " and the Node condition GpuHealthy to "
              + publisher.masterUrl());
    }
    InetSocketAddress listen = o.port() < 0 ? null : new InetSocketAddress(o.port());
    return new NodeAgent(
        new NodeAgent.Settings(o.nodeName(), o.interval(), heartbeat, listen),
        source,
        kernelLog,
        publisher,
        new NodeHealthTracker(XidClassifier.withDefaults()),
        Clock.systemUTC(),
        log);
  }

  private static NodeAgent.KernelLogOpener kernelLog(
      Options o, GpuSource source, KmsgCursorStore cursor, Consumer<String> log) {
    Path path = o.kmsg();
    if (path == null && source instanceof GpuSource.SimulatedSource sim) {
      SimulatedGpuNode node = sim.node();
      return wake ->
          KernelLog.polled(
              node.kmsg(), cursor, "simulated:" + node.nodeName(), "of the simulated node");
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
      return wake ->
          KernelLog.polled(
              new FileRecordSource(file), cursor, "file:" + file.toAbsolutePath(), file.toString());
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
      throw new InvalidOptions("cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage());
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

  /** Options that cannot work; exit 2. */
  public static final class InvalidOptions extends RuntimeException {
    public InvalidOptions(String message) {
      super(message);
    }
  }

  /**
   * {@code java -jar bosun-agent.jar [--node NAME] [--kubeconfig FILE] [--port 9400] [--interval
   * 1s] [--heartbeat 60s] [--simulate N] [--kmsg PATH] [--state-dir DIR] [--offline]}.
   */
  public static void main(String[] args) {
    String node = System.getenv("NODE_NAME");
    Path kubeconfig = null, kmsg = null, stateDir = null;
    int port = 9400;
    Duration interval = Duration.ofSeconds(1), heartbeat = Duration.ofSeconds(60);
    Integer simulate = null;
    boolean offline = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--offline" -> offline = true;
          case "--node",
              "--kubeconfig",
              "--port",
              "--interval",
              "--heartbeat",
              "--simulate",
              "--kmsg",
              "--state-dir" -> {
            if (i + 1 >= args.length) throw new InvalidOptions(a + " needs a value");
            String v = args[++i];
            switch (a) {
              case "--node" -> node = v;
              case "--kubeconfig" -> kubeconfig = Path.of(v);
              case "--port" -> port = Integer.parseInt(v);
              case "--interval" -> interval = duration(v);
              case "--heartbeat" -> heartbeat = duration(v);
              case "--simulate" -> simulate = Integer.parseInt(v);
              case "--kmsg" -> kmsg = Path.of(v);
              default -> stateDir = Path.of(v);
            }
          }
          default -> throw new InvalidOptions("unknown option " + a);
        }
      }
    } catch (InvalidOptions | NumberFormatException e) {
      System.err.println("bosun agent: " + e.getMessage());
      System.exit(INVALID_INPUT);
    }
    System.exit(
        run(
            new Options(
                node, kubeconfig, port, interval, heartbeat, simulate, kmsg, stateDir, offline),
            System.err));
  }

  /** {@code 500ms}, {@code 1s}, {@code 2m}, or an ISO-8601 duration ({@code PT1S}). */
  public static Duration duration(String text) {
    String t = text.strip();
    try {
      if (t.startsWith("P") || t.startsWith("p")) return Duration.parse(t);
      if (t.endsWith("ms"))
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      if (t.endsWith("s"))
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      if (t.endsWith("m"))
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    } catch (RuntimeException e) {
      // Fall through to the message below.
    }
    throw new InvalidOptions("'" + text + "' is not a duration (500ms, 1s, 2m or PT1S)");
  }
}

package dev.bosun.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A Kubernetes cluster on 127.0.0.1 made of real components (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler) with the KWOK controller playing every kubelet.
 *
 * <p>kwokctl's binary runtime starts, supervises and stops the processes, from the binaries {@code
 * hack/build-k8s.sh} built; it never downloads anything because every binary is given. Its state
 * lives under {@code <home>/kwok} and the kubeconfig at {@code <home>/kubeconfig} ({@code
 * ~/.bosun/dev} unless {@code BOSUN_DEV_HOME} says otherwise), so that every process on this
 * machine finds the same cluster.
 */
public final class LocalCluster {

  public static final String NAME = "bosun";

  /** The processes kwokctl runs for us, by the names it gives their pid and log files. */
  static final List<String> COMPONENTS =
      List.of(
          "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller");

  /**
   * The simulated kubelet's stages, a resource beside this class: readiness gates honoured as the
   * kubelet does, and Job pods that run until told to exit.
   */
  private static final String KWOK_STAGES = "kwok-stages.yaml";

  /**
   * The kubelet's resource metrics endpoint as KWOK plays it, from the pods' usage annotations, for
   * metrics-server: a resource beside this class.
   */
  private static final String KWOK_METRICS = "kwok-metrics.yaml";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> LEADERS = List.of("kube-scheduler", "kube-controller-manager");

  private final K8sBinaries binaries;
  private final Path home;
  private final int apiserverPort;

  /**
   * @param apiserverPort the port kube-apiserver listens on, or 0 to let kwokctl pick a free one
   */
  public LocalCluster(K8sBinaries binaries, Path home, int apiserverPort) {
    this.binaries = binaries;
    this.home = home.toAbsolutePath();
    this.apiserverPort = apiserverPort;
  }

  /** The cluster at the default home, on a port kwokctl picks. */
  public static LocalCluster atDefaultHome(K8sBinaries binaries) {
    return new LocalCluster(binaries, defaultHome(), 0);
  }

  public static Path defaultHome() {
    String configured = System.getenv("BOSUN_DEV_HOME");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".bosun", "dev");
  }

  public Path kubeconfig() {
    return home.resolve("kubeconfig");
  }

  /** Where the cluster keeps its state, and where its volumes and pod network live. */
  public Path home() {
    return home;
  }

  /** Where the cluster at the default home writes its kubeconfig, running or not. */
  public static Path defaultKubeconfig() {
    return defaultHome().toAbsolutePath().resolve("kubeconfig");
  }

  public Path logFile(String component) {
    return clusterDirectory().resolve("logs").resolve(component + ".log");
  }

  private Path workDirectory() {
    return home.resolve("kwok");
  }

  private Path clusterDirectory() {
    return workDirectory().resolve("clusters").resolve(NAME);
  }

  /**
   * kwokctl's certificates: {@code ca.crt}, and {@code admin.crt} with {@code admin.key}, the one
   * certificate every component serves and authenticates with.
   */
  public Path pkiDirectory() {
    return clusterDirectory().resolve("pki");
  }

  private Path pidFile(String component) {
    return clusterDirectory().resolve("pids").resolve(component + ".pid");
  }

  /** What a start found or did. */
  public record Started(Path kubeconfig, boolean startedNow, Duration took) {}

  /**
   * Starts the cluster, or returns the one already running. On failure nothing is left running, and
   * the exception names the component and its log.
   */
  public Started start(Consumer<String> progress) {
    // Two starts at once (a test run and `bosun dev up`) would both find nothing running.
    try (var _ = lockHome()) {
      return startHoldingLock(progress);
    }
  }

  private Started startHoldingLock(Consumer<String> progress) {
    long begin = System.nanoTime();
    if (isRunning()) {
      return new Started(kubeconfig(), false, Duration.ofNanos(System.nanoTime() - begin));
    }
    try {
      binaries.verify();
    } catch (IOException e) {
      throw new ClusterStartException(e.getMessage());
    }
    if (Files.exists(clusterDirectory())) {
      // A cluster that is only partly alive (a crash, a reboot) is removed, not reused.
      progress.accept("Removing a stale local cluster from " + clusterDirectory());
      deleteWithKwokctl();
    }
    checkPortIsFree();
    writeKwokctlConfiguration();
    progress.accept(
        "Starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok-controller");
    ExternalCommand.Result result;
    // kwokctl picks free ports when it creates a cluster and binds them only as the components
    // start: two clusters created at once on one machine (under different homes) can pick the
    // same ports. Creation is serialised machine-wide.
    try (var _ = lock(MACHINE_WIDE_CREATE_LOCK)) {
      result = kwokctl(createArguments()).timeout(START_TIMEOUT).run();
    }
    if (!result.succeeded()) {
      var failure = explainFailedStart(result);
      deleteWithKwokctl();
      throw failure;
    }
    try {
      awaitLeaders();
    } catch (RuntimeException e) {
      deleteWithKwokctl();
      throw e;
    }
    return new Started(kubeconfig(), true, Duration.ofNanos(System.nanoTime() - begin));
  }

  /**
   * kwokctl calls the cluster ready once the API server answers, even if the scheduler has died.
   * The scheduler and the controller manager each take a leader lease when they start working, so
   * waiting for both leases proves they run; a component that exits meanwhile is named at once.
   * kubectl asks, because a JVM's first Kubernetes client costs seconds.
   */
  private void awaitLeaders() {
    try {
      Poll.until(
          "kube-scheduler and kube-controller-manager taking their leases",
          LEADER_TIMEOUT,
          Duration.ofMillis(200),
          () -> {
            failIfAComponentExited();
            return leaseHolders().size() == LEADERS.size();
          });
    } catch (Poll.TimeoutException e) {
      throw new ClusterStartException(
          "kube-scheduler or kube-controller-manager did not start working within "
              + LEADER_TIMEOUT.toSeconds()
              + " s; see their logs in "
              + keepLogs());
    }
  }

  private List<String> leaseHolders() {
    var arguments =
        new ArrayList<>(
            List.of(
                binaries.kubectl().toString(),
                "--kubeconfig",
                kubeconfig().toString(),
                "--namespace",
                "kube-system",
                "get",
                "leases",
                "--ignore-not-found",
                "--output",
                "jsonpath={range .items[*]}{.spec.holderIdentity}{\"\\n\"}{end}"));
    arguments.addAll(LEADERS);
    var result = ExternalCommand.of(arguments).timeout(Duration.ofSeconds(10)).run();
    return result.succeeded()
        ? result.output().stream().filter(holder -> !holder.isBlank()).toList()
        : List.of();
  }

  private void failIfAComponentExited() {
    for (String component : COMPONENTS) {
      if (!isAlive(component)) {
        throw exitedDuringStart(component, "");
      }
    }
  }

  private ClusterStartException exitedDuringStart(String component, String more) {
    Path log = keepLogs().resolve(component + ".log");
    return new ClusterStartException(
        component
            + " exited during start; see its log at "
            + log
            + "\n"
            + indent(LogFiles.tail(log, 10))
            + more);
  }

  /**
   * Where the logs of a failed start are kept, since removing the failed cluster removes its
   * directory.
   */
  public Path failedStartLogs() {
    return home.resolve("failed-start-logs");
  }

  private Path keepLogs() {
    Path kept = failedStartLogs();
    try {
      Files.createDirectories(kept);
      try (Stream<Path> logs = Files.list(clusterDirectory().resolve("logs"))) {
        for (Path log : logs.toList()) {
          Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      // No logs yet (kwokctl failed before starting anything): its own output says why.
    }
    return kept;
  }

  /**
   * kwokctl reads {@code <workdir>/kwok.yaml} on every command. Without it the components listen on
   * every interface, etcd unauthenticated among them; this keeps them on loopback. The file also
   * carries the simulated kubelet's stages (see {@value #KWOK_STAGES}), which kwokctl hands to the
   * KWOK controller in place of its defaults, and the kubelet's resource metrics it serves for
   * metrics-server ({@value #KWOK_METRICS}). The certificate gets the names of the aggregated API
   * servers that run on this machine (KEDA's adapter, metrics-server), because the aggregator
   * checks a server's certificate for {@code <service>.<namespace>.svc}.
   */
  private void writeKwokctlConfiguration() {
    try {
      Files.createDirectories(workDirectory());
      Files.writeString(
          workDirectory().resolve("kwok.yaml"),
          """
                    apiVersion: config.kwok.x-k8s.io/v1alpha1
                    kind: KwokctlConfiguration
                    options:
                      bindAddress: 127.0.0.1
                      kubeApiserverCertSANs:
                      - %s
                      - %s
                    ---
                    """
                  .formatted(Keda.SERVING_NAME, MetricsServer.SERVING_NAME)
              + resource(KWOK_STAGES)
              + resource(KWOK_METRICS));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write kwokctl's configuration in " + workDirectory(), e);
    }
  }

  private static String resource(String name) throws IOException {
    try (var content = LocalCluster.class.getResourceAsStream(name)) {
      if (content == null) {
        throw new IOException(name + " is missing from the classpath");
      }
      return new String(content.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private List<String> createArguments() {
    var arguments =
        new ArrayList<>(
            List.of(
                "create",
                "cluster",
                "--runtime",
                "binary",
                "--etcd-binary",
                binaries.etcd().toString(),
                "--kube-apiserver-binary",
                binaries.kubeApiserver().toString(),
                "--kube-controller-manager-binary",
                binaries.kubeControllerManager().toString(),
                "--kube-scheduler-binary",
                binaries.kubeScheduler().toString(),
                "--kwok-controller-binary",
                binaries.kwok().toString(),
                "--kubeconfig",
                kubeconfig().toString(),
                // Benchmarks create thousands of objects; client-side throttling would measure
                // itself.
                "--disable-qps-limits",
                // Both start before the API server answers; retrying the lease every 2 s (the
                // default) then adds seconds to every start.
                "--extra-args",
                "kube-scheduler=leader-elect-retry-period=500ms",
                // The default range (a /24) holds about 250 Services; scale scenarios make
                // thousands.
                "--extra-args",
                "kube-apiserver=service-cluster-ip-range=10.96.0.0/16",
                "--extra-args",
                "kube-controller-manager=leader-elect-retry-period=500ms",
                // KWOK gives pods IPs from one range for the whole cluster (the nodes have no
                // podCIDR); its default /24 runs out after about 250 pods, fewer than a burst of
                // sandboxes, and the simulated pod network keys on unique pod IPs. Clear of the
                // Service range above.
                "--extra-args",
                "kwok-controller=cidr=10.0.0.0/16",
                // The cluster is disposable: waiting for the disk on every write would make it
                // measure the disk rather than Kubernetes.
                "--extra-args",
                "etcd=unsafe-no-fsync=true",
                // GPU quarantine taints one device with a DeviceTaintRule: on 1.36 the rule's API
                // (resource.k8s.io/v1beta2) and its feature gate are beta and off by default; both
                // are GA in 1.37. Device taints themselves (and the eviction controller) are on.
                "--kube-feature-gates",
                "DRADeviceTaintRules=true",
                "--kube-runtime-config",
                "resource.k8s.io/v1beta2=true",
                "--wait",
                "2m",
                "--timeout",
                "3m"));
    if (apiserverPort != 0) {
      arguments.addAll(List.of("--kube-apiserver-port", Integer.toString(apiserverPort)));
    }
    return arguments;
  }

  private void checkPortIsFree() {
    if (apiserverPort == 0) {
      return;
    }
    try (var socket = new ServerSocket(apiserverPort, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new ClusterStartException(
          "kube-apiserver cannot listen on 127.0.0.1:"
              + apiserverPort
              + ": the port is already in use. Stop what uses it, or choose another port.");
    }
  }

  /** Names the first component that is not running, with its log; kwokctl's own words follow. */
  private ClusterStartException explainFailedStart(ExternalCommand.Result result) {
    String kwokctlSays =
        result.timedOut()
            ? "kwokctl did not finish within " + START_TIMEOUT.toSeconds() + " s"
            : "kwokctl exited with " + result.exitCode();
    String logs = "\n" + kwokctlSays + "; its last lines:\n" + indent(result.lastLines(15));
    for (String component : COMPONENTS) {
      if (Files.exists(pidFile(component)) && !isAlive(component)) {
        return exitedDuringStart(component, logs);
      }
    }
    // Before it starts anything kwokctl runs each binary for its version; it names the one that
    // failed.
    String named =
        COMPONENTS.stream()
            .filter(c -> result.output().stream().anyMatch(line -> line.contains("bin/" + c + " ")))
            .findFirst()
            .map(c -> c + " failed before the cluster started; ")
            .orElse("the local cluster did not start; ");
    return new ClusterStartException(named + "component logs are in " + keepLogs() + logs);
  }

  /** True when every component runs and the API server says it is ready. */
  public boolean isRunning() {
    if (!Files.exists(kubeconfig()) || !COMPONENTS.stream().allMatch(this::isAlive)) {
      return false;
    }
    var ready =
        ExternalCommand.of(
                binaries.kubectl().toString(),
                "--kubeconfig",
                kubeconfig().toString(),
                "get",
                "--raw",
                "/readyz")
            .timeout(Duration.ofSeconds(10))
            .run();
    return ready.succeeded();
  }

  /**
   * Stops every process the cluster runs and forgets its state. Stopping a stopped cluster is fine.
   */
  public void stop() {
    try (var _ = lockHome()) {
      stopHoldingLock();
    }
  }

  private void stopHoldingLock() {
    if (Files.exists(clusterDirectory())) {
      deleteWithKwokctl();
    }
    // kwokctl kills what its pid files name; anything still alive would be an orphan.
    for (String component : COMPONENTS) {
      pid(component).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }
    try {
      Files.deleteIfExists(kubeconfig());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line per component: whether it runs, its pid and its log. */
  public record ComponentStatus(String component, Optional<Long> pid, boolean running, Path log) {}

  public List<ComponentStatus> status() {
    return COMPONENTS.stream()
        .map(c -> new ComponentStatus(c, pid(c), isAlive(c), logFile(c)))
        .toList();
  }

  private boolean isAlive(String component) {
    return pid(component).filter(LocalCluster::isRunningProcess).isPresent();
  }

  /**
   * Alive and not a zombie: an exited component whose parent (kwokctl, gone) was not reaped yet.
   */
  private static boolean isRunningProcess(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The state follows the command name, which is in parentheses and may contain spaces.
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | StringIndexOutOfBoundsException e) {
      return true;
    }
  }

  private Optional<Long> pid(String component) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile(component)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** An exclusive lock on {@code <home>/lock}, held across processes while starting or stopping. */
  private HomeLock lockHome() {
    return lock(home.resolve("lock"));
  }

  private static final Path MACHINE_WIDE_CREATE_LOCK =
      Path.of(System.getProperty("java.io.tmpdir"), "bosun-kwokctl-create.lock");

  private static HomeLock lock(Path file) {
    try {
      Files.createDirectories(file.getParent());
      var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      channel.lock();
      return new HomeLock(channel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  /** Closing the channel releases the lock. */
  private record HomeLock(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void deleteWithKwokctl() {
    var result =
        kwokctl(List.of("delete", "cluster", "--kubeconfig", kubeconfig().toString()))
            .timeout(Duration.ofMinutes(1))
            .run();
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "kwokctl could not delete the local cluster in "
              + clusterDirectory()
              + ":\n"
              + indent(result.lastLines(15)));
    }
  }

  private ExternalCommand kwokctl(List<String> arguments) {
    var command = new ArrayList<String>();
    command.add(binaries.kwokctl().toString());
    command.addAll(List.of("--name", NAME));
    command.addAll(arguments);
    return ExternalCommand.of(command)
        .environment(
            Map.of(
                "KWOK_WORKDIR", workDirectory().toString(),
                "KWOK_KUBECTL_BINARY", binaries.kubectl().toString(),
                "KWOK_KUBE_VERSION", "v" + K8sBinaries.KUBERNETES_VERSION));
  }

  private static String indent(String text) {
    return text.indent(4).stripTrailing();
  }
}

package dev.bosun.router;

import dev.bosun.api.v1alpha1.NodeAgents;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.scaler.AgentPods;
import dev.bosun.scaler.Demand;
import dev.bosun.scaler.PodNetwork;
import dev.bosun.scaler.ScalerServer;
import dev.bosun.scaler.WorkloadKey;
import dev.bosun.scaler.WorkloadPods;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Starts the router: the Sandbox, Workload, pod and node-agent informers, the listener, the
 * activity flusher, and KEDA's external push scaler on its own port. {@code bosun router} calls
 * {@link #run}; tests call {@link #start}.
 */
public final class RouterMain implements AutoCloseable {

  /**
   * The router's options; an instance that exists is valid, else {@link InvalidSettings} names the
   * option and the reason.
   *
   * @param kubeconfig a kubeconfig file, or null for fabric8's default resolution (in-cluster
   *     included)
   * @param port where requests, /healthz and /metrics are served (plain HTTP: TLS ends in front of
   *     the router); 0 picks a free port
   * @param podNetwork the local cluster's simulated pod network directory, or null to dial pods
   *     directly
   * @param wakeTimeout how long a request waits for a sandbox to become Ready
   * @param activityInterval how often activity is written to each Sandbox, at most
   * @param tokenAudiences the audiences a service-account token is reviewed for; empty: the API
   *     server's own
   * @param scalerPort where KEDA's external push scaler (gRPC) is served; 0 picks a free port
   * @param holdMax how many requests are held at once, at most, per Workload with no Ready pod
   * @param holdTimeout how long a held request waits for a Ready pod of its Workload
   * @param scrapeInterval how often the scaler scrapes the Workloads' pods
   * @param agentNamespace the node agents' namespace, where the scaler finds each node's agent for
   *     GPU utilisation
   */
  public record Settings(
      Path kubeconfig,
      int port,
      Path podNetwork,
      Duration wakeTimeout,
      Duration activityInterval,
      List<String> tokenAudiences,
      int scalerPort,
      int holdMax,
      Duration holdTimeout,
      Duration scrapeInterval,
      String agentNamespace) {
    public static final String DEFAULT_PORT = "8080";
    public static final String DEFAULT_WAKE_TIMEOUT = "30s";
    public static final String DEFAULT_ACTIVITY_INTERVAL = "5s";
    public static final String DEFAULT_SCALER_PORT = "9090";
    public static final String DEFAULT_HOLD_MAX = "100";
    public static final String DEFAULT_HOLD_TIMEOUT = "60s";
    public static final String DEFAULT_SCRAPE_INTERVAL = "1s";
    public static final String DEFAULT_AGENT_NAMESPACE = NodeAgents.NAMESPACE;

    static final Duration MAX_WAKE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration MIN_ACTIVITY_INTERVAL = Duration.ofMillis(100);
    static final int MAX_HOLD = 10_000;
    static final Duration MIN_SCRAPE_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_SCRAPE_INTERVAL = Duration.ofMinutes(1);

    /** The defaults for what came after the sandbox options (tests and callers that set none). */
    public Settings(
        Path kubeconfig,
        int port,
        Path podNetwork,
        Duration wakeTimeout,
        Duration activityInterval,
        List<String> tokenAudiences) {
      this(
          kubeconfig,
          port,
          podNetwork,
          wakeTimeout,
          activityInterval,
          tokenAudiences,
          0,
          Integer.parseInt(DEFAULT_HOLD_MAX),
          Duration.ofSeconds(60),
          Duration.ofSeconds(1),
          DEFAULT_AGENT_NAMESPACE);
    }

    public Settings {
      tokenAudiences = List.copyOf(tokenAudiences);
      if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
        throw new InvalidSettings("--kubeconfig", "cannot read " + kubeconfig);
      }
      if (port < 0 || port > 65535) {
        throw new InvalidSettings(
            "--port", port + " is not a port (0 to 65535; 0 picks a free one)");
      }
      if (podNetwork != null && !Files.isDirectory(podNetwork)) {
        throw new InvalidSettings("--pod-network", podNetwork + " is not a directory");
      }
      if (wakeTimeout == null
          || wakeTimeout.isNegative()
          || wakeTimeout.isZero()
          || wakeTimeout.compareTo(MAX_WAKE_TIMEOUT) > 0) {
        throw new InvalidSettings(
            "--wake-timeout",
            "must be more than 0 and at most " + MAX_WAKE_TIMEOUT.toMinutes() + "m");
      }
      if (activityInterval == null || activityInterval.compareTo(MIN_ACTIVITY_INTERVAL) < 0) {
        throw new InvalidSettings(
            "--activity-interval", "must be at least " + MIN_ACTIVITY_INTERVAL.toMillis() + "ms");
      }
      if (tokenAudiences.stream().anyMatch(String::isBlank)) {
        throw new InvalidSettings("--token-audience", "must not be empty");
      }
      if (scalerPort < 0 || scalerPort > 65535 || (scalerPort != 0 && scalerPort == port)) {
        throw new InvalidSettings(
            "--scaler-port",
            scalerPort + " is not a port other than --port (0 to 65535; 0 picks a free one)");
      }
      if (holdMax < 1 || holdMax > MAX_HOLD) {
        throw new InvalidSettings("--hold-max", "must be from 1 to " + MAX_HOLD);
      }
      if (holdTimeout == null
          || holdTimeout.isNegative()
          || holdTimeout.isZero()
          || holdTimeout.compareTo(MAX_WAKE_TIMEOUT) > 0) {
        throw new InvalidSettings(
            "--hold-timeout",
            "must be more than 0 and at most " + MAX_WAKE_TIMEOUT.toMinutes() + "m");
      }
      if (scrapeInterval == null
          || scrapeInterval.compareTo(MIN_SCRAPE_INTERVAL) < 0
          || scrapeInterval.compareTo(MAX_SCRAPE_INTERVAL) > 0) {
        throw new InvalidSettings(
            "--scrape-interval",
            "must be from "
                + MIN_SCRAPE_INTERVAL.toMillis()
                + "ms to "
                + MAX_SCRAPE_INTERVAL.toMinutes()
                + "m");
      }
      if (agentNamespace == null || !Route.NAMESPACE.matcher(agentNamespace).matches()) {
        throw new InvalidSettings(
            "--agent-namespace", "'" + agentNamespace + "' is not a namespace name");
      }
    }
  }

  /** An option that cannot work, named; exit 2. */
  public static final class InvalidSettings extends RuntimeException {
    public InvalidSettings(String option, String reason) {
      super(option + ": " + reason);
    }
  }

  /** The cluster does not serve Sandboxes: the CRD is not installed. */
  public static final class MissingCrdException extends RuntimeException {
    MissingCrdException() {
      super(
          "the cluster does not serve Sandboxes (bosun.dev/v1alpha1): install the CRDs first,"
              + " e.g. kubectl apply --server-side -f deploy/crds/");
    }
  }

  /** How long the first list of Sandboxes may take before the router gives up starting. */
  static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final SandboxDirectory directory;
  private final ActivityRecorder activity;
  private final ScheduledExecutorService flusher;
  private final ExecutorService virtualThreads;
  private final RouterServer server;
  private final WorkloadPods workloads;
  private final AgentPods agents;
  private final ScalerServer scaler;

  private RouterMain(
      KubernetesClient client,
      SandboxDirectory directory,
      ActivityRecorder activity,
      ScheduledExecutorService flusher,
      ExecutorService virtualThreads,
      RouterServer server,
      WorkloadPods workloads,
      AgentPods agents,
      ScalerServer scaler) {
    this.client = client;
    this.directory = directory;
    this.workloads = workloads;
    this.agents = agents;
    this.scaler = scaler;
    this.activity = activity;
    this.flusher = flusher;
    this.virtualThreads = virtualThreads;
    this.server = server;
  }

  /** Starts the router on the settings' cluster; close it to stop. */
  public static RouterMain start(Settings settings, Consumer<String> log) throws IOException {
    KubernetesClient client = clientFor(settings.kubeconfig());
    try {
      if (!client.supports(Sandbox.class)) throw new MissingCrdException();
      return start(settings, client, log);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Starts the router on a client the caller made (and the router closes). */
  public static RouterMain start(Settings settings, KubernetesClient client, Consumer<String> log)
      throws IOException {
    Demand demand = new Demand(settings.holdMax());
    RouterMetrics metrics = new RouterMetrics(demand::total);
    SandboxWrites writes = new SandboxWrites(client, log);
    ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    Waker waker = new Waker(writes::setRunning, metrics, virtualThreads);
    SandboxDirectory directory = new SandboxDirectory(client, waker::observed);
    try {
      directory.start().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      directory.close();
      throw new IOException("interrupted while listing the Sandboxes", e);
    } catch (ExecutionException | TimeoutException e) {
      directory.close();
      throw new IOException("cannot list and watch the Sandboxes: " + e.getMessage(), e);
    }
    WorkloadPods workloads = new WorkloadPods(client);
    AgentPods agents = new AgentPods(client, settings.agentNamespace());
    String listed =
        "the Workloads, their pods and the node agents (namespace "
            + settings.agentNamespace()
            + ")";
    try {
      CompletableFuture.allOf(workloads.start(), agents.start())
          .get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      agents.close();
      workloads.close();
      directory.close();
      throw new IOException("interrupted while listing " + listed, e);
    } catch (ExecutionException | TimeoutException e) {
      agents.close();
      workloads.close();
      directory.close();
      throw new IOException("cannot list and watch " + listed + ": " + e.getMessage(), e);
    }
    Access access =
        new Access(
            directory::withTokenHash,
            key -> tokenHashOf(directory.get(key)),
            new KubeReviews(client, settings.tokenAudiences())::review,
            new ReviewCache(ReviewCache.DEFAULT_CAPACITY, ReviewCache.DEFAULT_TTL),
            System::nanoTime);
    ActivityRecorder activity = new ActivityRecorder(writes::recordActivity, virtualThreads);
    ScheduledExecutorService flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bosun-router-activity").unstarted(r));
    long interval = settings.activityInterval().toMillis();
    flusher.scheduleWithFixedDelay(
        () -> {
          try {
            activity.flush();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        interval,
        interval,
        TimeUnit.MILLISECONDS);
    PodNetwork podNetwork =
        settings.podNetwork() == null
            ? PodNetwork.direct()
            : PodNetwork.directory(settings.podNetwork());
    ProxyContext ctx =
        new ProxyContext(
            Limits.DEFAULTS,
            directory,
            access,
            waker,
            activity,
            podNetwork,
            metrics,
            settings.wakeTimeout(),
            Clock.systemUTC(),
            workloads,
            demand,
            settings.holdTimeout(),
            new AtomicInteger());
    ScalerServer scaler;
    try {
      scaler =
          ScalerServer.start(
              settings.scalerPort(),
              settings.scrapeInterval(),
              workloads::readyPods,
              agents::byNode,
              podNetwork,
              demand,
              log);
    } catch (IOException e) {
      flusher.shutdownNow();
      agents.close();
      workloads.close();
      directory.close();
      throw e;
    }
    RouterServer server;
    try {
      server = new RouterServer(new InetSocketAddress(settings.port()), ctx);
    } catch (IOException e) {
      scaler.close();
      flusher.shutdownNow();
      agents.close();
      workloads.close();
      directory.close();
      throw e;
    }
    return new RouterMain(
        client, directory, activity, flusher, virtualThreads, server, workloads, agents, scaler);
  }

  private static String tokenHashOf(Sandbox sandbox) {
    if (sandbox == null) return null;
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Sandboxes.TOKEN_SHA256);
  }

  /**
   * Runs until the process is stopped (SIGTERM).
   *
   * @throws MissingCrdException when the cluster does not serve Sandboxes
   * @throws IOException when the router cannot list the Sandboxes or listen
   */
  public static void run(Settings settings, PrintWriter err) throws IOException {
    Consumer<String> log = timestamped(err);
    RouterMain router = start(settings, log);
    log.accept(
        "serving /sandboxes/<namespace>/<name>/, /workloads/<namespace>/<name>/, /healthz and"
            + " /metrics on port "
            + router.port()
            + ", KEDA's external scaler (gRPC) on port "
            + router.scalerPort()
            + (settings.podNetwork() == null
                ? ""
                : " (dialing through the pod network in " + settings.podNetwork() + ")"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.accept("stopping");
                  router.close();
                  stopped.countDown();
                },
                "bosun-router-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return server.port();
  }

  /** The port KEDA's external push scaler (gRPC) is served on. */
  public int scalerPort() {
    return scaler.port();
  }

  /** The sandbox as the router's informer sees it, or null (for tests that wait on it). */
  Sandbox sandbox(SandboxKey key) {
    return directory.get(key);
  }

  /** Whether the router's informer has the Workload (for tests that wait on it). */
  boolean workloadKnown(WorkloadKey key) {
    return workloads.workload(key) != null;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing the listener cannot fail in a way that leaves anything to do.
    }
    scaler.close();
    flusher.shutdownNow();
    try {
      activity.flush(); // the last requests' activity, so a restart does not lose it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    agents.close();
    workloads.close();
    directory.close();
    virtualThreads.shutdownNow();
    client.close();
  }

  private static Consumer<String> timestamped(PrintWriter err) {
    return line -> {
      err.println(
          DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS))
              + " bosun router: "
              + line);
      err.flush();
    };
  }

  /** A client for the kubeconfig file, or by fabric8's default resolution when null. */
  static KubernetesClient clientFor(Path kubeconfig) throws IOException {
    if (kubeconfig == null) return new KubernetesClientBuilder().build();
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
        .build();
  }
}

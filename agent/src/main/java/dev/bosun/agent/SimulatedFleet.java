package dev.bosun.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.NodeAgents;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Node agents for the simulated GPU nodes of a cluster (the local cluster's KWOK nodes), many in
 * one JVM: each is a {@link NodeAgent} as on a real node, with the same classification, health
 * tracking and writes (GpuNodeHealth, the Node condition), the same kernel-log follower over a kmsg
 * file, and the cluster's GpuHealthPolicy. Only the lowest layer is simulated: each node's kernel
 * log and NVML are files ({@link SimulatedNodeFiles}) that a fault injector writes.
 *
 * <p>Made to hold a thousand nodes: the agents share one API client, one timer, a few worker
 * threads ({@link SerialLoop}), one file watcher ({@link KmsgWatcher}) and one reading of the
 * policy; each samples at its own moment of the interval ({@link FleetDiscovery#phase}); no agent
 * has a thread or an HTTP port of its own. The nodes are found by label and looked for again every
 * {@link Settings#discoverEvery}: a node added later gets an agent, a node deleted loses its own.
 *
 * <p>Where the agent's DaemonSet ({@code deploy/agent/}) runs, KWOK gives each node an agent pod
 * that runs nothing. Given a {@link PodNetwork}, the fleet plays those pods: the node's agent
 * serves {@code /metrics} and {@code /healthz} on a loopback port registered at the pod's address,
 * and follows the ResourceClaims allocated on its node ({@link ClaimWatch}), so that its metrics
 * name the pods holding each GPU, as on a real node. Only nodes with an agent pod pay for this: a
 * thousand-node fleet without the DaemonSet has no port and no watch per node.
 */
public final class SimulatedFleet implements AutoCloseable {

  /** The GPU nodes {@code bosun dev up} makes. */
  public static final String GPU_NODES = "type=kwok,nvidia.com/gpu.present=true";

  /** How often the agent pods are looked for: a new one serves within seconds of its IP. */
  static final Duration AGENT_PODS_EVERY = Duration.ofSeconds(2);

  private static final Duration BOOTED_BEFORE_START = Duration.ofHours(1);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param nodeSelector a label selector for the nodes to play (each must also be a KWOK node with
   *     a ResourceSlice of NVIDIA's driver)
   * @param workers threads the agents share for their steps, which wait on the API server
   */
  public record Settings(
      Duration interval,
      Duration heartbeat,
      int workers,
      String nodeSelector,
      Duration discoverEvery) {
    public Settings {
      if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
      if (!discoverEvery.isPositive())
        throw new IllegalArgumentException("discoverEvery must be positive");
    }

    /** The agent's own defaults (1 s samples, a 60 s heartbeat), over every KWOK GPU node. */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(1), Duration.ofSeconds(60), 16, GPU_NODES, Duration.ofSeconds(30));
    }
  }

  /** Where the agent pods the fleet plays are reached: the local cluster's pod network. */
  public interface PodNetwork {
    /** Makes {@code podIP:port} reach {@code local}. */
    void register(String podIP, int port, InetSocketAddress local);

    /** Makes {@code podIP:port} reach nothing again. */
    void remove(String podIP, int port);
  }

  /** An agent pod played: its endpoints on loopback, and the claims of its node. */
  private record PlayedPod(FleetDiscovery.AgentPod pod, HttpEndpoints http, ClaimWatch claims) {}

  private final KubeApi api;
  private final Path agentsDir;
  private final Settings settings;
  private final PodNetwork podNetwork;
  private final Clock clock;
  private final Consumer<String> log;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final ScheduledExecutorService discovery;
  private final KmsgWatcher watcher;
  private final NodeAgent.PolicySource policy;
  private final XidClassifier classifier = XidClassifier.withDefaults();
  private final Map<String, NodeAgent> agents = new ConcurrentHashMap<>();
  private final Map<String, PlayedPod> played = new ConcurrentHashMap<>();

  private SimulatedFleet(
      Config cluster,
      Path agentsDir,
      Settings settings,
      PodNetwork podNetwork,
      Clock clock,
      Consumer<String> log)
      throws IOException {
    this.api = new KubeApi(cluster);
    this.agentsDir = agentsDir;
    this.settings = settings;
    this.podNetwork = podNetwork;
    this.clock = clock;
    this.log = log;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bosun-fleet-timer").unstarted(r));
    AtomicInteger worker = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            settings.workers(),
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("bosun-fleet-worker-" + worker.incrementAndGet())
                    .unstarted(r));
    this.discovery =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bosun-fleet-discovery").unstarted(r));
    this.watcher = new KmsgWatcher();
    this.policy = new SharedPolicy(new PolicyReader(api), clock);
  }

  /**
   * Finds the nodes and starts an agent for each (returning once they run), then looks for nodes
   * again every {@link Settings#discoverEvery}.
   *
   * @param agentsDir where each node's files go, {@code <agentsDir>/<node>/}
   * @param podNetwork where to make the agent pods reachable; {@code null}: play no agent pods
   */
  public static SimulatedFleet start(
      Config cluster,
      Path agentsDir,
      Settings settings,
      PodNetwork podNetwork,
      Clock clock,
      Consumer<String> log)
      throws IOException {
    SimulatedFleet fleet = new SimulatedFleet(cluster, agentsDir, settings, podNetwork, clock, log);
    try {
      fleet.discovery.submit(fleet::discover).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fleet.close();
      throw new IOException("interrupted while starting the fleet", e);
    } catch (ExecutionException e) {
      fleet.close();
      throw new IOException(AgentMain.describe(e.getCause()), e.getCause());
    }
    long every = settings.discoverEvery().toNanos();
    fleet.discovery.scheduleWithFixedDelay(
        fleet::discoverSafely, every, every, TimeUnit.NANOSECONDS);
    if (podNetwork != null)
      fleet.discovery.scheduleWithFixedDelay(
          fleet::followAgentPodsSafely, 0, AGENT_PODS_EVERY.toNanos(), TimeUnit.NANOSECONDS);
    return fleet;
  }

  /** The nodes that have an agent now. */
  public Set<String> nodes() {
    return new TreeSet<>(agents.keySet());
  }

  /** What the agent of {@code node} knows now. */
  public NodeHealth health(String node) {
    NodeAgent agent = agents.get(node);
    if (agent == null) throw new IllegalArgumentException("no simulated node " + node);
    return agent.health();
  }

  private void discoverSafely() {
    try {
      discover();
    } catch (IOException | RuntimeException e) {
      log.accept("cannot look for nodes: " + AgentMain.describe(e) + "; trying again later");
    }
  }

  private void followAgentPodsSafely() {
    try {
      followAgentPods();
    } catch (IOException | RuntimeException e) {
      log.accept("cannot look for agent pods: " + AgentMain.describe(e) + "; trying again later");
    }
  }

  /** Plays the agent pods on the fleet's nodes: new ones served, gone or moved ones no more. */
  private void followAgentPods() throws IOException {
    var pods =
        FleetDiscovery.agentPods(
            list(
                "/api/v1/namespaces/"
                    + NodeAgents.NAMESPACE
                    + "/pods?labelSelector="
                    + encode(FleetDiscovery.AGENT_SELECTOR)),
            agents.keySet());
    for (String node : Set.copyOf(played.keySet())) {
      PlayedPod was = played.get(node);
      if (!was.pod().equals(pods.get(node))) stopPlaying(node);
    }
    pods.forEach(
        (node, pod) -> {
          if (played.containsKey(node)) return;
          try {
            play(node, pod);
          } catch (IOException | RuntimeException e) {
            log.accept(node + ": cannot play the agent pod " + pod.name() + ": " + e);
          }
        });
  }

  private void play(String node, FleetDiscovery.AgentPod pod) throws IOException {
    NodeAgent agent = agents.get(node);
    var http =
        new HttpEndpoints(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            agent::metrics,
            agent::healthz);
    try {
      // By its literal: the pod network records an address, not a name to resolve.
      podNetwork.register(pod.ip(), pod.port(), new InetSocketAddress("127.0.0.1", http.port()));
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    var claims = ClaimWatch.start(api, node, clock, line -> log.accept(node + ": " + line));
    played.put(node, new PlayedPod(pod, http, claims));
    log.accept(node + ": plays the agent pod " + pod.name() + " at " + pod.ip() + ":" + pod.port());
  }

  private void stopPlaying(String node) {
    PlayedPod was = played.remove(node);
    if (was == null) return;
    was.claims().close();
    was.http().close();
    try {
      podNetwork.remove(was.pod().ip(), was.pod().port());
    } catch (RuntimeException e) {
      log.accept(node + ": cannot remove " + was.pod().ip() + " from the pod network: " + e);
    }
  }

  /** Who holds the node's GPUs: known while the fleet plays the node's agent pod. */
  private GpuHolders holdersOf(String node) {
    return () -> {
      PlayedPod pod = played.get(node);
      return pod == null ? Map.of() : pod.claims().current();
    };
  }

  /** One look at the cluster: agents for new nodes, none for deleted ones. */
  private Void discover() throws IOException {
    var found =
        FleetDiscovery.nodes(
            list("/api/v1/nodes?labelSelector=" + encode(settings.nodeSelector())),
            list(
                "/apis/resource.k8s.io/v1/resourceslices?fieldSelector="
                    + encode("spec.driver=" + FleetDiscovery.DRIVER)));
    Set<String> names = new TreeSet<>();
    int started = 0;
    for (var node : found) {
      names.add(node.name());
      if (agents.containsKey(node.name())) continue;
      try {
        agents.put(node.name(), startAgent(node));
        started++;
      } catch (IOException | RuntimeException e) {
        // One node's files must not keep the others unwatched; it is tried again next time.
        log.accept(node.name() + ": cannot start its agent: " + AgentMain.describe(e));
      }
    }
    for (String gone : Set.copyOf(agents.keySet())) {
      if (names.contains(gone)) continue;
      stopPlaying(gone);
      agents.remove(gone).close();
      watcher.forget(agentsDir.resolve(gone));
      log.accept("stopped the agent of " + gone + ": the node is gone");
    }
    if (started > 0)
      log.accept(
          "started "
              + started
              + " simulated node agents ("
              + agents.size()
              + " in all, sampling every "
              + settings.interval().toMillis()
              + " ms)");
    return null;
  }

  private NodeAgent startAgent(FleetDiscovery.SimulatedNode node) throws IOException {
    SimulatedNodeFiles files =
        SimulatedNodeFiles.boot(
            agentsDir, node.name(), node.gpus(), clock.instant().minus(BOOTED_BEFORE_START));
    KmsgCursorStore cursor = new KmsgCursorStore(files.cursor());
    Path dir = files.kmsg().getParent();
    FaultIntake.KernelLogOpener kernelLog =
        wake -> {
          try {
            watcher.watch(dir, wake);
          } catch (IOException e) {
            log.accept(node.name() + ": cannot watch " + dir + " (" + e.getMessage() + ")");
          }
          return KernelLog.file(files.kmsg(), cursor);
        };
    return new NodeAgent(
            new NodeAgent.Settings(node.name(), settings.interval(), settings.heartbeat(), null),
            new SimulatedNodeSource(files),
            kernelLog,
            new KubePublisher(api, node.name()),
            new NodeHealthTracker(classifier),
            policy,
            holdersOf(node.name()),
            clock,
            line -> log.accept(node.name() + ": " + line),
            new SerialLoop(timer, workers, FleetDiscovery.phase(node.name(), settings.interval())))
        .start();
  }

  private JsonNode list(String path) throws IOException {
    KubeApi.Response r = api.get(path);
    if (!r.ok()) throw new IOException("GET " + path + ": " + r.code());
    try {
      return JSON.readTree(r.body());
    } catch (JsonProcessingException e) {
      throw new IOException("GET " + path + ": not JSON", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    discovery.shutdownNow();
    try {
      discovery.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Set.copyOf(played.keySet()).forEach(this::stopPlaying);
    agents.values().forEach(NodeAgent::close);
    agents.clear();
    try {
      watcher.close();
    } catch (IOException ignored) {
      // Stopping anyway.
    }
    timer.shutdownNow();
    workers.shutdownNow();
  }

  /**
   * The cluster's policy read once for the whole fleet, at most every {@link
   * NodeAgent#POLICY_READ_EVERY}: each agent still follows it as a real one does, without a
   * thousand GETs of the same object.
   */
  private static final class SharedPolicy implements NodeAgent.PolicySource {
    private final PolicyReader reader;
    private final Clock clock;
    private Instant readAt = Instant.MIN;
    private GpuHealthPolicySpec spec;
    private RuntimeException failure;

    SharedPolicy(PolicyReader reader, Clock clock) {
      this.reader = reader;
      this.clock = clock;
    }

    @Override
    public synchronized GpuHealthPolicySpec read() {
      Instant now = clock.instant();
      if (!now.isBefore(readAt.plus(NodeAgent.POLICY_READ_EVERY))) {
        readAt = now;
        try {
          spec = reader.read();
          failure = null;
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) throw failure;
      return spec;
    }
  }
}

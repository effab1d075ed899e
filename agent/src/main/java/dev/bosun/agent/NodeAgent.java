package dev.bosun.agent;

import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.GpuHealthPolicy;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The node agent's loop: every sampling period it takes in the faults that arrived ({@link
 * FaultIntake}), reads the GPUs, moves what it knows on ({@link NodeKnowledge}, pure), hands the
 * HTTP endpoints a new {@link AgentView}, and publishes what changed ({@link ClusterReporter}).
 * Every {@link #POLICY_READ_EVERY} it reads the cluster's GpuHealthPolicy, so that an edit changes
 * how the next fault is classified without a restart. A fault does not wait for the next period:
 * the intake wakes the loop, the fault is classified at once, and if it breaks a GPU the loop
 * samples and publishes straight away. A restarted agent first takes over what its last run
 * published ({@link CarriedOver}), so that a restart heals no GPU.
 *
 * <p>Threads: the loop ({@link SerialLoop}: a thread {@code bosun-agent-loop} of its own, or in a
 * simulated fleet a share of a few) owns this object's state, the intake and the reporter, and runs
 * every step one at a time, so none of them needs a lock. The HTTP thread reads only {@link #view}
 * (one volatile, immutable value) and the reporter's counters. The kernel-log and NVML event
 * threads only queue faults and call {@link #wake}. Public methods may be called from any thread:
 * they hand their work to the loop and wait.
 */
public final class NodeAgent implements AutoCloseable {

  /**
   * @param listen where /metrics and /healthz listen; {@code null} for none (tests, embedding)
   * @param heartbeat the longest the agent goes without rewriting its status and condition
   */
  public record Settings(
      String nodeName, Duration interval, Duration heartbeat, InetSocketAddress listen) {
    public Settings {
      if (interval.isNegative() || interval.isZero())
        throw new IllegalArgumentException("the interval must be positive");
      if (heartbeat.compareTo(interval) < 0)
        throw new IllegalArgumentException("the heartbeat must not be shorter than the interval");
    }
  }

  /** Reads the cluster's GpuHealthPolicy spec; {@code null} when there is none (the defaults). */
  @FunctionalInterface
  interface PolicySource {
    GpuHealthPolicySpec read();
  }

  static final Duration POLICY_READ_EVERY = Duration.ofSeconds(30);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final Settings settings;
  private final GpuSource source;
  private final FaultIntake.KernelLogOpener kernelLogOpener;
  private final ClusterReporter reporter;
  private final PolicySource policySource;
  private final GpuHolders holders;
  private final Clock clock;
  private final Consumer<String> log;
  private final SerialLoop loop;
  private final AtomicBoolean wakeQueued = new AtomicBoolean();

  // Loop thread only.
  private FaultIntake intake;
  private NodeKnowledge knowledge = NodeKnowledge.INITIAL;
  // What the last run published: read at the first pass, before the first write, and taken over
  // at the first good sample (a failed read of the GPUs cannot say which GPUs are still there).
  private boolean lastRunRead;
  private GpuNodeHealthStatus lastRun;
  private NodeHealthTracker tracker;
  private Instant nextPolicyRead = Instant.MIN;
  private String policyProblem;

  // Written by the loop, read by the HTTP thread.
  private volatile AgentView view = AgentView.NOT_STARTED;

  private HttpEndpoints http;

  /**
   * @param kernelLog {@code null}: no kernel log (NVML's events, when the source has them)
   * @param publisher {@code null}: offline, publish nothing
   * @param policySource {@code null}: offline, keep {@code tracker}'s policy
   * @param holders which pods hold the GPUs, for /metrics' labels; closed with the agent
   */
  NodeAgent(
      Settings settings,
      GpuSource source,
      FaultIntake.KernelLogOpener kernelLog,
      KubePublisher publisher,
      NodeHealthTracker tracker,
      PolicySource policySource,
      GpuHolders holders,
      Clock clock,
      Consumer<String> log) {
    this(
        settings,
        source,
        kernelLog,
        publisher,
        tracker,
        policySource,
        holders,
        clock,
        log,
        SerialLoop.ownThread("bosun-agent-loop"));
  }

  /**
   * @param loop where the agent's steps run: a thread of its own on a node, a share of a few
   *     threads in a simulated fleet
   */
  NodeAgent(
      Settings settings,
      GpuSource source,
      FaultIntake.KernelLogOpener kernelLog,
      KubePublisher publisher,
      NodeHealthTracker tracker,
      PolicySource policySource,
      GpuHolders holders,
      Clock clock,
      Consumer<String> log,
      SerialLoop loop) {
    this.settings = settings;
    this.source = source;
    this.kernelLogOpener = kernelLog;
    this.reporter =
        publisher == null
            ? null
            : new ClusterReporter(publisher, settings.heartbeat(), settings.interval(), log);
    this.tracker = tracker;
    this.policySource = policySource;
    this.holders = holders;
    this.clock = clock;
    this.log = log;
    this.intake = FaultIntake.none(log);
    this.loop = loop;
  }

  /** Opens the kernel log and the HTTP port, then samples every interval until closed. */
  public NodeAgent start() throws IOException {
    view = view.started(clock.instant());
    if (settings.listen() != null)
      http = new HttpEndpoints(settings.listen(), this::metrics, this::healthz);
    onLoopNoIo(
        () -> {
          intake = FaultIntake.open(kernelLogOpener, source.nvml(), this::wake, log);
          return null;
        });
    loop.every(settings.interval(), this::tickSafely);
    return this;
  }

  /** The port /metrics listens on (useful with port 0). */
  public int port() {
    if (http == null) throw new IllegalStateException("no HTTP endpoint");
    return http.port();
  }

  /** One sampling pass now, on the loop, waiting for it. */
  public void sampleNow() {
    onLoopNoIo(
        () -> {
          tick();
          return null;
        });
  }

  /** The node's health as of the last pass (taken on the loop, so it is consistent). */
  public NodeHealth health() {
    return onLoopNoIo(() -> knowledge.health());
  }

  /** The classification and recovery knobs in force (taken on the loop). */
  public GpuHealthPolicy policy() {
    return onLoopNoIo(() -> tracker.policy());
  }

  /** The GPU source; a test injects faults through a simulated one. */
  GpuSource source() {
    return source;
  }

  public long statusWrites() {
    return writes().status();
  }

  public long conditionWrites() {
    return writes().condition();
  }

  /** What /metrics serves. */
  String metrics() {
    return view.metrics(writes());
  }

  /** What /healthz says. */
  HttpEndpoints.Health healthz() {
    return view.health(clock.instant(), settings.interval());
  }

  private ClusterReporter.Writes writes() {
    return reporter == null ? ClusterReporter.Writes.NONE : reporter.writes();
  }

  // --- the loop --------------------------------------------------------------------------------

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A bug must not stop sampling: say it, and try again next period.
      log.accept("sampling failed: " + e);
    }
  }

  private void tick() {
    Instant now = clock.instant();
    followPolicy(now);
    takeFaults(now);
    readLastRun();
    Parsed<NodeSnapshot> sample = source.sample(now);
    sample.value().ifPresent(this::takeOverLastRun);
    NodeKnowledge.AfterSample sampled = knowledge.withSample(tracker, source.name(), sample, now);
    logSourceChange(knowledge.sourceProblem(), sampled.knowledge().sourceProblem());
    knowledge = sampled.knowledge();
    intake.learnUuids(sampled.effective());
    Map<String, Long> unparsed = knowledge.unparsed(source.name(), intake.unparsed());
    view =
        view.sampled(
            now,
            sampled.effective(),
            knowledge.health(),
            settings.nodeName(),
            unparsed,
            holders.current(),
            intake.kernelLogOutage());
    if (reporter != null)
      reporter.publish(source.name(), sampled.snapshot(), knowledge, unparsed, now);
  }

  private void readLastRun() {
    if (lastRunRead || reporter == null) return;
    lastRunRead = true;
    lastRun = reporter.lastPublished().orElse(null);
  }

  /**
   * Takes over what the last run published for the GPUs the node has, so that a restart neither
   * heals a GPU nor restarts its quiet period.
   */
  private void takeOverLastRun(NodeSnapshot present) {
    if (lastRun == null) return;
    GpuNodeHealthStatus last = lastRun;
    lastRun = null;
    Set<String> uuids = present.gpus().stream().map(GpuSample::uuid).collect(Collectors.toSet());
    CarriedOver carried;
    try {
      carried = CarriedOver.from(last, uuids, tracker.policy());
    } catch (IllegalArgumentException e) {
      log.accept("the last published status is malformed (" + e.getMessage() + "); starting fresh");
      return;
    }
    knowledge = knowledge.resumedFrom(carried);
    long notHealthy =
        carried.gpus().values().stream().filter(g -> g.health() != GpuHealth.HEALTHY).count();
    log.accept(
        "carried over "
            + carried.gpus().size()
            + " GPUs ("
            + notHealthy
            + " not healthy) and their faults from the last published status");
  }

  private void logSourceChange(String before, String after) {
    if (after != null && !after.equals(before)) log.accept("cannot read the GPUs: " + after);
    if (after == null && before != null)
      log.accept("reading the GPUs again through " + source.name());
  }

  /** Reads the policy when it is due; a change applies from the next fault on. */
  private void followPolicy(Instant now) {
    if (policySource == null || now.isBefore(nextPolicyRead)) return;
    nextPolicyRead = now.plus(POLICY_READ_EVERY);
    GpuHealthPolicy policy;
    try {
      policy = NodeSidePolicy.from(policySource.read());
    } catch (RuntimeException e) {
      // The API server may be away for a while: keep the last policy read, and say so once.
      String problem = AgentMain.describe(e);
      if (!problem.equals(policyProblem)) log.accept(problem + "; keeping the policy in force");
      policyProblem = problem;
      return;
    }
    policyProblem = null;
    if (!policy.equals(tracker.policy())) {
      tracker = tracker.withPolicy(policy);
      log.accept("GPU health policy now " + policy);
    }
  }

  /** The faults that arrived since the last call, classified now. */
  private NodeKnowledge.AfterFaults takeFaults(Instant now) {
    NodeKnowledge.AfterFaults taken = knowledge.withFaults(tracker, intake.drain(now), now);
    knowledge = taken.knowledge();
    return taken;
  }

  /**
   * Called by the kernel-log reader and the NVML event thread; coalesced into one task on the loop.
   */
  private void wake() {
    if (!wakeQueued.compareAndSet(false, true)) return;
    try {
      loop.execute(
          () -> {
            wakeQueued.set(false);
            try {
              if (takeFaults(clock.instant()).breaksAGpu()) tick();
            } catch (RuntimeException e) {
              log.accept("handling a fault failed: " + e);
            }
          });
    } catch (RejectedExecutionException closing) {
      wakeQueued.set(false);
    }
  }

  // --- handing work to the loop ----------------------------------------------------------------

  /** Runs {@code task} on the loop and waits for it; its exception is the caller's. */
  private <T> T onLoop(Callable<T> task) throws IOException {
    try {
      return loop.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    }
  }

  /** {@link #onLoop} for a task that does no I/O of its own. */
  private <T> T onLoopNoIo(Callable<T> task) {
    try {
      return onLoop(task);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- shutdown --------------------------------------------------------------------------------

  @Override
  public void close() {
    if (http != null) http.close();
    if (!loop.isClosed()) {
      try {
        onLoop(
            () -> {
              intake.close();
              return null;
            });
      } catch (IOException | RuntimeException ignored) {
        // Closing anyway.
      }
      loop.close(STOP_WAIT);
    }
    holders.close();
    source.close();
  }
}

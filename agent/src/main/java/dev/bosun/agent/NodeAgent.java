package dev.bosun.agent;

import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The node agent's loop: every sampling period it takes in the faults that arrived ({@link
 * FaultIntake}), reads the GPUs, moves what it knows on ({@link NodeKnowledge}, pure), hands the
 * HTTP endpoints a new {@link AgentView}, and publishes what changed ({@link ClusterReporter}). A
 * fault does not wait for the next period: the intake wakes the loop, the fault is classified at
 * once, and if it breaks a GPU the loop samples and publishes straight away.
 *
 * <p>Threads: the loop thread ({@code bosun-agent-loop}) owns this object's state, the intake and
 * the reporter, and runs every step one at a time, so none of them needs a lock. The HTTP thread
 * reads only {@link #view} (one volatile, immutable value) and the reporter's counters. The
 * kernel-log and NVML event threads only queue faults and call {@link #wake}. Public methods may be
 * called from any thread: they hand their work to the loop and wait.
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

  private static final long STOP_WAIT_SECONDS = 5;

  private final Settings settings;
  private final GpuSource source;
  private final FaultIntake.KernelLogOpener kernelLogOpener;
  private final ClusterReporter reporter;
  private final NodeHealthTracker tracker;
  private final Clock clock;
  private final Consumer<String> log;
  private final ScheduledExecutorService loop;
  private final AtomicBoolean wakeQueued = new AtomicBoolean();

  // Loop thread only.
  private FaultIntake intake;
  private NodeKnowledge knowledge = NodeKnowledge.INITIAL;

  // Written by the loop, read by the HTTP thread.
  private volatile AgentView view = AgentView.NOT_STARTED;

  private HttpEndpoints http;

  /**
   * @param kernelLog {@code null}: no kernel log (NVML's events, when the source has them)
   * @param publisher {@code null}: offline, publish nothing
   */
  NodeAgent(
      Settings settings,
      GpuSource source,
      FaultIntake.KernelLogOpener kernelLog,
      KubePublisher publisher,
      NodeHealthTracker tracker,
      Clock clock,
      Consumer<String> log) {
    this.settings = settings;
    this.source = source;
    this.kernelLogOpener = kernelLog;
    this.reporter =
        publisher == null
            ? null
            : new ClusterReporter(publisher, settings.heartbeat(), settings.interval(), log);
    this.tracker = tracker;
    this.clock = clock;
    this.log = log;
    this.intake = FaultIntake.none(log);
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("bosun-agent-loop").unstarted(r));
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
    loop.scheduleWithFixedDelay(
        this::tickSafely, 0, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
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
    takeFaults(now);
    NodeKnowledge.AfterSample sampled =
        knowledge.withSample(tracker, source.name(), source.sample(now), now);
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
            intake.kernelLogOutage());
    if (reporter != null)
      reporter.publish(source.name(), sampled.snapshot(), knowledge, unparsed, now);
  }

  private void logSourceChange(String before, String after) {
    if (after != null && !after.equals(before)) log.accept("cannot read the GPUs: " + after);
    if (after == null && before != null)
      log.accept("reading the GPUs again through " + source.name());
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
    if (!loop.isShutdown()) {
      try {
        onLoop(
            () -> {
              intake.close();
              return null;
            });
      } catch (IOException | RuntimeException ignored) {
        // Closing anyway.
      }
      loop.shutdownNow();
      try {
        loop.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    source.close();
  }
}

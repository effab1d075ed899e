package dev.bosun.agent;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.gpu.classify.Finding;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.metrics.GpuMetrics;
import dev.bosun.gpu.metrics.PrometheusText;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.nvml.Reading;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node agent: every sampling period it reads the GPUs, takes in what the kernel log said since,
 * moves the node's health on ({@link NodeHealthTracker}), and publishes what changed ({@link
 * Publication} decides, {@link KubePublisher} writes). {@code /metrics} and {@code /healthz} read
 * the latest state.
 *
 * <p>All state lives on one thread, the loop: samples, kernel-log records and NVML events are
 * handled there one at a time, so nothing here is shared and nothing needs a lock except the two
 * volatile fields the HTTP thread reads. A kernel fault does not wait for the next sample: the
 * reader wakes the loop, the fault is classified at once, and if it breaks a GPU the loop samples
 * and publishes straight away.
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

  /** Opens the kernel log once the loop exists; {@code onRecord} wakes the loop. */
  @FunctionalInterface
  interface KernelLogOpener {
    KernelLog open(Runnable onRecord) throws IOException;
  }

  /** What /metrics renders, replaced whole after each sample. */
  private record View(NodeSnapshot snapshot, GpuMetrics.State state) {}

  private final Settings settings;
  private final GpuSource source;
  private final KernelLogOpener kernelLogOpener;
  private final KubePublisher publisher;
  private final NodeHealthTracker tracker;
  private final Clock clock;
  private final Consumer<String> log;
  private final ScheduledExecutorService loop;
  private final ConcurrentLinkedQueue<DriverFault> nvmlEvents = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeQueued = new AtomicBoolean();
  private final AtomicLong statusWrites = new AtomicLong();
  private final AtomicLong conditionWrites = new AtomicLong();
  private final AtomicLong publishErrors = new AtomicLong();

  // Loop thread only.
  private KernelLog kernelLog;
  private Nvml.EventWatch eventWatch;
  private Thread eventThread;
  private NodeHealth health = NodeHealth.EMPTY;
  private FaultHistory faults = FaultHistory.empty(Publication.RECENT_FAULTS);
  private long sourceUnparsed;
  private final Set<String> taughtUuids = new HashSet<>();
  private Long generation;
  private Publication.Last last = Publication.Last.NOTHING;
  private String publishProblem;
  private String sourceProblem;
  private Condition lastLogged;

  // Read by the HTTP thread.
  private volatile View view;
  private volatile Instant lastSampleAt;
  private volatile Instant startedAt;

  private HttpEndpoints http;

  NodeAgent(
      Settings settings,
      GpuSource source,
      KernelLogOpener kernelLog,
      KubePublisher publisher,
      NodeHealthTracker tracker,
      Clock clock,
      Consumer<String> log) {
    this.settings = settings;
    this.source = source;
    this.kernelLogOpener = kernelLog;
    this.publisher = publisher;
    this.tracker = tracker;
    this.clock = clock;
    this.log = log;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("bosun-agent-loop").unstarted(r));
  }

  /** Opens the kernel log and the HTTP port, then samples every interval until closed. */
  public NodeAgent start() throws IOException {
    startedAt = clock.instant();
    if (settings.listen() != null)
      http = new HttpEndpoints(settings.listen(), this::metrics, this::healthProblem);
    try {
      call(
          () -> {
            if (kernelLogOpener != null) {
              kernelLog = kernelLogOpener.open(this::wake);
              log.accept("following the kernel log " + kernelLog.description());
            } else if (source.nvml().isPresent()) {
              watchNvmlEvents(source.nvml().get());
            }
            return null;
          });
    } catch (IOException e) {
      close();
      throw e;
    }
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
    try {
      call(
          () -> {
            tick();
            return null;
          });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The node's health as of the last pass (taken on the loop, so it is consistent). */
  public NodeHealth health() {
    try {
      return call(() -> health);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The GPU source; a test injects faults through a simulated one. */
  GpuSource source() {
    return source;
  }

  public long statusWrites() {
    return statusWrites.get();
  }

  public long conditionWrites() {
    return conditionWrites.get();
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
    Parsed<NodeSnapshot> sample = source.sample(now);
    sourceUnparsed += sample.unparsed();
    NodeSnapshot snapshot = sample.value().orElse(null);
    if (snapshot == null) {
      String problem = source.name() + ": " + String.join(", ", sample.problems());
      if (!problem.equals(sourceProblem)) log.accept("cannot read the GPUs: " + problem);
      sourceProblem = problem;
      NodeHealthTracker.Step failed = tracker.onNvmlFailure(health, problem, now);
      health = failed.state();
      faults = faults.with(failed.findings());
    } else if (sourceProblem != null) {
      log.accept("reading the GPUs again through " + source.name());
      sourceProblem = null;
    }
    NodeSnapshot effective =
        snapshot != null ? snapshot : new NodeSnapshot(now, null, null, null, List.of());
    NodeHealthTracker.Step step = tracker.onSnapshot(health, effective, now);
    health = step.state();
    faults = faults.with(step.findings());
    if (kernelLog != null) {
      for (GpuSample g : effective.gpus()) {
        if (g.identity().pci() != null && taughtUuids.add(g.uuid()))
          kernelLog.knowUuid(g.identity().pci(), g.uuid());
      }
    }
    view = new View(forMetrics(effective), metricsState());
    lastSampleAt = now;
    publish(snapshot, now);
  }

  /** Kernel-log records and NVML events since the last call, classified now. */
  private List<Finding> takeFaults(Instant now) {
    List<DriverFault> drained = new ArrayList<>();
    if (kernelLog != null) {
      try {
        drained.addAll(kernelLog.drain());
      } catch (IOException | RuntimeException e) {
        log.accept(
            "the kernel log cannot be read ("
                + e.getMessage()
                + "); going on with telemetry alone");
        closeKernelLog();
      }
    }
    for (DriverFault f; (f = nvmlEvents.poll()) != null; ) drained.add(f);
    List<Finding> found = new ArrayList<>();
    for (DriverFault fault : drained) {
      NodeHealthTracker.Step step = tracker.onFault(health, fault, now);
      health = step.state();
      found.addAll(step.findings());
      faults = faults.with(step.findings(), fault.text());
    }
    return found;
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
              List<Finding> found = takeFaults(clock.instant());
              if (found.stream().anyMatch(f -> f.faultClass().breaksTheGpu())) tick();
            } catch (RuntimeException e) {
              log.accept("handling a fault failed: " + e);
            }
          });
    } catch (RejectedExecutionException closing) {
      wakeQueued.set(false);
    }
  }

  private void publish(NodeSnapshot snapshot, Instant now) {
    if (publisher == null) return;
    try {
      if (generation == null) generation = publisher.ensure();
      Publication.Decision d =
          Publication.decide(
              new Publication.Inputs(
                  generation, source.name(), snapshot, health, faults, unparsed(), now),
              last,
              settings.heartbeat());
      if (d.writeStatus()) {
        publisher.writeStatus(d.status());
        statusWrites.incrementAndGet();
        last = new Publication.Last(d.status(), now, last.condition(), last.conditionAt());
      }
      if (d.writeCondition()) {
        publisher.writeCondition(d.condition(), now);
        conditionWrites.incrementAndGet();
        last = new Publication.Last(last.status(), last.statusAt(), d.condition(), now);
      }
      if (lastLogged == null || !Publication.sameCondition(d.condition(), lastLogged)) {
        log.accept(
            d.condition().type()
                + "="
                + d.condition().status()
                + " ("
                + d.condition().reason()
                + "): "
                + d.condition().message());
        lastLogged = d.condition();
      }
      if (publishProblem != null) log.accept("publishing again");
      publishProblem = null;
    } catch (KubePublisher.PublishException e) {
      publishErrors.incrementAndGet();
      if (!e.getMessage().equals(publishProblem))
        log.accept(e.getMessage() + "; retrying every " + settings.interval().toMillis() + " ms");
      publishProblem = e.getMessage();
      generation = null; // the object may be gone: apply it again before the next status
    }
  }

  /**
   * The sample plus, for every GPU that is gone, its identity with no readings: a lost GPU keeps
   * its Xid counters and {@code bosun_gpu_health{state="unhealthy"}} on /metrics instead of
   * vanishing from the dashboards at the moment it matters, and shows no stale readings.
   */
  private NodeSnapshot forMetrics(NodeSnapshot sample) {
    List<GpuSample> gpus = new ArrayList<>(sample.gpus());
    for (String uuid : health.expectedGpus()) {
      GpuSample last = health.lastSamples().get(uuid);
      if (last != null && sample.byUuid(uuid).isEmpty()) {
        gpus.add(
            new GpuSample(last.identity(), null, null, null, null, null, null, null, null, null));
      }
    }
    return gpus.size() == sample.gpus().size()
        ? sample
        : new NodeSnapshot(
            sample.takenAt(),
            sample.driverVersion(),
            sample.nvmlVersion(),
            sample.cudaVersion(),
            gpus);
  }

  private Map<String, Long> unparsed() {
    Map<String, Long> m = new TreeMap<>();
    m.put(source.name(), sourceUnparsed);
    if (kernelLog != null) m.put("kmsg", kernelLog.unparsed());
    return m;
  }

  private GpuMetrics.State metricsState() {
    Map<String, GpuHealth> byUuid = new HashMap<>();
    for (String uuid : health.expectedGpus()) byUuid.put(uuid, health.healthOf(uuid));
    return new GpuMetrics.State(settings.nodeName(), byUuid, health.xids(), unparsed());
  }

  private void watchNvmlEvents(Nvml nvml) {
    eventWatch = nvml.watchXidAndEcc();
    if (eventWatch.devicesWatched() == 0) {
      log.accept(
          "no kernel log and no NVML events ("
              + String.join(", ", eventWatch.problems())
              + "): Xids will not be seen");
      return;
    }
    log.accept(
        "no kernel log: watching NVML Xid and ECC events on "
            + eventWatch.devicesWatched()
            + " GPUs");
    Nvml.EventWatch watch = eventWatch;
    eventThread =
        Thread.ofPlatform()
            .daemon()
            .name("bosun-agent-nvml-events")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    Reading<Optional<DriverFault>> r = watch.await(1000);
                    if (!r.ok()) return;
                    if (r.value().isPresent()) {
                      nvmlEvents.add(r.value().get());
                      wake();
                    }
                  }
                });
  }

  // --- HTTP ------------------------------------------------------------------------------------

  /** The exposition: the gpu module's dcgm-named families, then the agent's own counters. */
  public String metrics() {
    View v = view;
    String gpus = v == null ? "" : GpuMetrics.render(v.snapshot(), v.state());
    PrometheusText own = new PrometheusText();
    own.family("bosun_agent_writes_total", "counter", "Writes to the API server, per object.");
    own.sample(
        "bosun_agent_writes_total", Map.of("object", "gpunodehealth_status"), statusWrites.get());
    own.sample(
        "bosun_agent_writes_total", Map.of("object", "node_condition"), conditionWrites.get());
    own.family(
        "bosun_agent_publish_errors_total", "counter", "Writes to the API server that failed.");
    own.sample("bosun_agent_publish_errors_total", Map.of(), publishErrors.get());
    return gpus + own;
  }

  /** Healthy while samples keep coming; the API server being away is not a reason to restart. */
  String healthProblem() {
    Instant now = clock.instant();
    Duration allowed =
        settings.interval().multipliedBy(3).compareTo(Duration.ofSeconds(10)) > 0
            ? settings.interval().multipliedBy(3)
            : Duration.ofSeconds(10);
    Instant at = lastSampleAt != null ? lastSampleAt : startedAt;
    if (at == null) return "not started";
    Duration since = Duration.between(at, now);
    if (since.compareTo(allowed) > 0) {
      return (lastSampleAt == null ? "no sample yet after " : "last sample ")
          + since.toSeconds()
          + " s ago";
    }
    return null;
  }

  // --- shutdown --------------------------------------------------------------------------------

  private <T> T call(Callable<T> task) throws IOException {
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

  private void closeKernelLog() {
    if (kernelLog == null) return;
    try {
      kernelLog.close();
    } catch (IOException | RuntimeException ignored) {
      // Shutting it down; the cursor was saved after the last fault.
    }
    kernelLog = null;
  }

  @Override
  public void close() {
    if (http != null) http.close();
    if (!loop.isShutdown()) {
      try {
        call(
            () -> {
              closeKernelLog();
              if (eventThread != null) eventThread.interrupt();
              return null;
            });
      } catch (IOException | RuntimeException ignored) {
        // Closing anyway.
      }
      loop.shutdownNow();
      try {
        loop.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (eventThread != null) {
      try {
        eventThread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (eventWatch != null) eventWatch.close();
    source.close();
  }
}

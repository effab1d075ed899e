package dev.bosun.agent;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.nvml.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The faults that arrive between samples: the kernel log's records or, without a kernel log, NVML's
 * Xid and ECC events (never both: the driver reports an Xid to each, and it would count twice).
 * Each producer has a thread of its own that only waits and queues (the kernel log's reader inside
 * {@link KernelLog}, the NVML event thread here) and then calls {@code wake}, so that the loop
 * classifies the fault at once instead of at the next sample.
 *
 * <p>Owned by the loop thread: it opens, drains, teaches and closes it. The event queue is the one
 * thing another thread touches. A kernel log that cannot be read is retried by {@link KernelLog}
 * itself; this class logs each change of such an outage and its end.
 */
final class FaultIntake implements AutoCloseable {

  /** Makes the kernel log once the loop exists; {@code onRecord} wakes the loop. */
  @FunctionalInterface
  interface KernelLogOpener {
    KernelLog open(Runnable onRecord);
  }

  private static final int EVENT_WAIT_MILLIS = 1000;
  private static final long EVENT_THREAD_JOIN_MILLIS = 2000;

  private final Consumer<String> log;
  private final ConcurrentLinkedQueue<DriverFault> nvmlEvents = new ConcurrentLinkedQueue<>();
  private final Set<String> taughtUuids = new HashSet<>();
  private KernelLog kernelLog;
  private Nvml.EventWatch eventWatch;
  private Thread eventThread;

  private FaultIntake(Consumer<String> log) {
    this.log = log;
  }

  /** No source of faults: telemetry alone (before start, or a test). */
  static FaultIntake none(Consumer<String> log) {
    return new FaultIntake(log);
  }

  /**
   * The kernel log when {@code kernelLog} is given, else NVML's events when there is NVML, else
   * nothing. {@code wake} is called from the producers' threads.
   */
  static FaultIntake open(
      KernelLogOpener kernelLog, Optional<Nvml> nvml, Runnable wake, Consumer<String> log) {
    FaultIntake intake = new FaultIntake(log);
    if (kernelLog != null) {
      intake.kernelLog = kernelLog.open(wake);
      log.accept("following the kernel log " + intake.kernelLog.description());
    } else if (nvml.isPresent()) {
      intake.watchNvmlEvents(nvml.get(), wake);
    }
    return intake;
  }

  /** The faults since the last call, oldest first. */
  List<DriverFault> drain(Instant now) {
    List<DriverFault> drained = new ArrayList<>();
    if (kernelLog != null) {
      KernelLog.Outage before = kernelLog.outage();
      drained.addAll(kernelLog.drain(now));
      logOutage(before, kernelLog.outage());
    }
    for (DriverFault f; (f = nvmlEvents.poll()) != null; ) drained.add(f);
    return drained;
  }

  /** Why the kernel log is not being read now; {@code null} while it is, or without one. */
  KernelLog.Outage kernelLogOutage() {
    return kernelLog == null ? null : kernelLog.outage();
  }

  private void logOutage(KernelLog.Outage before, KernelLog.Outage after) {
    if (after == null) {
      if (before != null)
        log.accept("reading the kernel log " + kernelLog.description() + " again");
    } else if (!after.equals(before)) {
      log.accept(after.describe());
    }
  }

  /** Teaches the kernel log the GPUs' UUIDs, so that its faults name the GPU from the first one. */
  void learnUuids(NodeSnapshot snapshot) {
    if (kernelLog == null) return;
    for (GpuSample g : snapshot.gpus()) {
      if (g.identity().pci() != null && taughtUuids.add(g.uuid()))
        kernelLog.knowUuid(g.identity().pci(), g.uuid());
    }
  }

  /** Unreadable kernel-log records, under {@code kmsg}; nothing without a kernel log. */
  Map<String, Long> unparsed() {
    return kernelLog == null ? Map.of() : Map.of("kmsg", kernelLog.unparsed());
  }

  private void watchNvmlEvents(Nvml nvml, Runnable wake) {
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
                    Reading<Optional<DriverFault>> r = watch.await(EVENT_WAIT_MILLIS);
                    if (!r.ok()) return;
                    if (r.value().isPresent()) {
                      nvmlEvents.add(r.value().get());
                      wake.run();
                    }
                  }
                });
  }

  private void closeKernelLog() {
    if (kernelLog == null) return;
    try {
      kernelLog.close();
    } catch (RuntimeException ignored) {
      // Shutting it down; the cursor was saved after the last fault.
    }
    kernelLog = null;
  }

  @Override
  public void close() {
    closeKernelLog();
    if (eventThread != null) {
      eventThread.interrupt();
      try {
        eventThread.join(EVENT_THREAD_JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (eventWatch != null) eventWatch.close();
  }
}

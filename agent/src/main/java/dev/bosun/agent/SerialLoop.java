package dev.bosun.agent;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a {@link NodeAgent}'s steps run: one at a time, in the order given, each seeing what the
 * one before it left (the queue and the {@code draining} flag order them), on whatever thread the
 * workers lend. A node's own agent has a thread of its own ({@link #ownThread}); a simulated fleet
 * of a thousand agents shares a few workers and one timer among them, so that an agent costs memory
 * and no thread.
 */
final class SerialLoop {

  private final ScheduledExecutorService timer;
  private final Executor workers;
  private final Duration phase;
  private final ScheduledExecutorService owned;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean closed;
  private volatile ScheduledFuture<?> nextRun;

  /**
   * @param phase how long after {@link #every} the first run comes: a fleet spreads its agents'
   *     samples over the interval instead of taking them all at once
   */
  SerialLoop(ScheduledExecutorService timer, Executor workers, Duration phase) {
    this(timer, workers, phase, null);
  }

  private SerialLoop(
      ScheduledExecutorService timer,
      Executor workers,
      Duration phase,
      ScheduledExecutorService owned) {
    this.timer = timer;
    this.workers = workers;
    this.phase = phase;
    this.owned = owned;
  }

  /** A loop on a thread of its own named {@code name}, stopped by {@link #close}. */
  static SerialLoop ownThread(String name) {
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name(name).unstarted(r));
    return new SerialLoop(thread, thread, Duration.ZERO, thread);
  }

  /**
   * Runs {@code task} after the tasks given before it.
   *
   * @throws RejectedExecutionException once closed
   */
  void execute(Runnable task) {
    if (closed) throw new RejectedExecutionException("the agent's loop is closed");
    enqueue(task);
  }

  <T> Future<T> submit(Callable<T> task) {
    FutureTask<T> future = new FutureTask<>(task);
    execute(future);
    return future;
  }

  /**
   * Runs {@code task} after the phase, then {@code interval} after each run ends (a slow run delays
   * the next rather than piling runs up), until closed.
   */
  void every(Duration interval, Runnable task) {
    scheduleAfter(phase, interval, task);
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Takes no more tasks, cancels the next scheduled run and waits up to {@code wait} for the tasks
   * already given.
   */
  void close(Duration wait) {
    if (closed) return;
    closed = true;
    ScheduledFuture<?> next = nextRun;
    if (next != null) next.cancel(false);
    CountDownLatch done = new CountDownLatch(1);
    try {
      enqueue(done::countDown);
      done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException workersGone) {
      // Nothing can run any more.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (owned != null) owned.shutdownNow();
  }

  private void scheduleAfter(Duration delay, Duration interval, Runnable task) {
    if (closed) return;
    nextRun =
        timer.schedule(
            () -> {
              try {
                execute(
                    () -> {
                      try {
                        task.run();
                      } finally {
                        scheduleAfter(interval, interval, task);
                      }
                    });
              } catch (RejectedExecutionException closing) {
                // Closed meanwhile.
              }
            },
            delay.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  private void enqueue(Runnable task) {
    tasks.add(task);
    if (draining.compareAndSet(false, true)) workers.execute(this::drain);
  }

  private void drain() {
    do {
      for (Runnable t; (t = tasks.poll()) != null; ) {
        try {
          t.run();
        } catch (RuntimeException e) {
          // Each task reports its own failures; one that does not must not stall the queue.
        }
      }
      draining.set(false);
      // A task queued between the last poll and the reset above would otherwise wait forever.
    } while (!tasks.isEmpty() && draining.compareAndSet(false, true));
  }
}

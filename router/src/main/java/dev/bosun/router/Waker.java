package dev.bosun.router;

import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.ToLongFunction;

/**
 * Sets suspended sandboxes Running, once per sandbox however many requests wait for it: the first
 * request sets it ({@link SandboxWrites#setRunning}), the others join it. A finished wake still
 * answers requests that see the Sandbox as it was before the patch (the informer lags the patch's
 * response): only a Sandbox of a later generation than the patch made, suspended again, is patched
 * again; a failed patch is retried by the next request. The wake is forgotten when the informer
 * shows the spec no longer Suspended.
 */
final class Waker {
  private final ToLongFunction<SandboxKey> setRunning;
  private final RouterMetrics metrics;
  private final Executor executor;

  /** Each wake completes with the generation its patch made. */
  private final Map<SandboxKey, CompletableFuture<Long>> wakes = new ConcurrentHashMap<>();

  /** {@code setRunning}: sets a sandbox Running and returns the generation that made. */
  Waker(ToLongFunction<SandboxKey> setRunning, RouterMetrics metrics, Executor executor) {
    this.setRunning = setRunning;
    this.metrics = metrics;
    this.executor = executor;
  }

  /**
   * The wake of {@code key}, seen suspended at {@code generation}: started now, or the one already
   * under way or done for that generation.
   */
  CompletableFuture<Long> wake(SandboxKey key, long generation) {
    CompletableFuture<Long> wake =
        wakes.compute(
            key,
            (k, existing) ->
                existing != null && covers(existing, generation)
                    ? existing
                    : CompletableFuture.supplyAsync(() -> patch(k), executor));
    // Outside compute: a wake already failed would otherwise remove itself from within it.
    wake.whenComplete(
        (done, failure) -> {
          if (failure != null) wakes.remove(key, wake);
        });
    return wake;
  }

  private static boolean covers(CompletableFuture<Long> wake, long generation) {
    if (!wake.isDone()) return true;
    if (wake.isCompletedExceptionally()) return false;
    return wake.join() >= generation;
  }

  /** The informer saw {@code sandbox}: a wake whose patch it shows is over. */
  void observed(Sandbox sandbox) {
    if (sandbox.getSpec() != null
        && sandbox.getSpec().effectiveOperatingMode() != OperatingMode.Suspended) {
      SandboxKey key =
          new SandboxKey(sandbox.getMetadata().getNamespace(), sandbox.getMetadata().getName());
      CompletableFuture<Long> wake = wakes.get(key);
      if (wake != null && wake.isDone()) wakes.remove(key, wake);
    }
  }

  private long patch(SandboxKey key) {
    metrics.wake();
    return setRunning.applyAsLong(key);
  }
}

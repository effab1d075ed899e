package dev.bosun.router;

import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Sandboxes in memory, for tests without a cluster; waiting is woken by {@link #put}. */
final class FakeSandboxes implements SandboxLookup {
  private final Map<SandboxKey, Sandbox> sandboxes = new ConcurrentHashMap<>();
  private final Object changed = new Object();

  void put(Sandbox sandbox) {
    synchronized (changed) {
      sandboxes.put(
          new SandboxKey(sandbox.getMetadata().getNamespace(), sandbox.getMetadata().getName()),
          sandbox);
      changed.notifyAll();
    }
  }

  void update(SandboxKey key, UnaryOperator<Sandbox> change) {
    put(change.apply(sandboxes.get(key)));
  }

  @Override
  public Sandbox get(SandboxKey key) {
    return sandboxes.get(key);
  }

  @Override
  public List<SandboxKey> withTokenHash(String hash) {
    return sandboxes.entrySet().stream()
        .filter(
            e ->
                hash.equals(
                    e.getValue().getMetadata().getAnnotations().get(Sandboxes.TOKEN_SHA256)))
        .map(Map.Entry::getKey)
        .toList();
  }

  @Override
  public SandboxView awaitSettled(SandboxKey key, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    synchronized (changed) {
      while (true) {
        SandboxView view = SandboxView.of(get(key));
        long left = deadline - System.nanoTime();
        if (!(view instanceof SandboxView.Starting || view instanceof SandboxView.Suspended)
            || left <= 0) {
          return view;
        }
        changed.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Waits until the sandbox's spec says Running (the router woke it). */
  void awaitSpecRunning(SandboxKey key, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    synchronized (changed) {
      while (get(key).getSpec().effectiveOperatingMode() != OperatingMode.Running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError(key + " was not set Running");
        changed.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public boolean synced() {
    return true;
  }
}

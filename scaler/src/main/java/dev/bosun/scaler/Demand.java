package dev.bosun.scaler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The requests the router holds for Workloads with no Ready pod, at most {@code maxPerWorkload}
 * each. The scaler counts them as demand and is told the moment the count changes, so a request to
 * a Workload at zero reaches KEDA without waiting for a scrape.
 */
public final class Demand {
  private final int maxPerWorkload;
  private final Map<WorkloadKey, Integer> held = new ConcurrentHashMap<>();
  private final List<Consumer<WorkloadKey>> listeners = new CopyOnWriteArrayList<>();

  public Demand(int maxPerWorkload) {
    this.maxPerWorkload = maxPerWorkload;
  }

  /** One held request; closing it (once or more) lets it go. */
  public interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /** Holds a request for the Workload, or empty when it already holds its maximum. */
  public Optional<Hold> tryHold(WorkloadKey workload) {
    AtomicBoolean taken = new AtomicBoolean();
    held.compute(
        workload,
        (k, count) -> {
          int now = count == null ? 0 : count;
          if (now >= maxPerWorkload) return count;
          taken.set(true);
          return now + 1;
        });
    if (!taken.get()) return Optional.empty();
    changed(workload);
    AtomicBoolean released = new AtomicBoolean();
    return Optional.of(
        () -> {
          if (released.compareAndSet(false, true)) {
            held.computeIfPresent(workload, (k, count) -> count <= 1 ? null : count - 1);
            changed(workload);
          }
        });
  }

  public int held(WorkloadKey workload) {
    return held.getOrDefault(workload, 0);
  }

  /** All requests held now, over every Workload. */
  public int total() {
    return held.values().stream().mapToInt(Integer::intValue).sum();
  }

  public int maxPerWorkload() {
    return maxPerWorkload;
  }

  /** Told of the Workload whose held count changed, on the thread that changed it. */
  public void onChange(Consumer<WorkloadKey> listener) {
    listeners.add(listener);
  }

  private void changed(WorkloadKey workload) {
    for (Consumer<WorkloadKey> listener : listeners) listener.accept(workload);
  }
}

package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.ScaleMetric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The signal of each Workload KEDA asks about: every tick, the Workload's Ready pods are scraped at
 * once (a virtual thread each) and what they say is kept with the last known value of each metric.
 * A Workload nobody asked about for {@link #FORGET_AFTER} is no longer scraped.
 */
final class Signals {
  static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private final Function<WorkloadKey, List<PodAddress>> readyPods;
  private final Scraper scraper;
  private final Demand demand;
  private final Duration staleness;
  private final ExecutorService threads;
  private final Map<WorkloadKey, Watched> watched = new ConcurrentHashMap<>();
  private final List<Consumer<WorkloadKey>> listeners = new CopyOnWriteArrayList<>();

  /** What was last read of a Workload, and when it was last asked about. */
  private record Watched(
      List<Signal.PodScrape> scrapes,
      Map<ScaleMetric, Signal.LastKnown> lastKnown,
      long askedAtNanos) {}

  Signals(
      Function<WorkloadKey, List<PodAddress>> readyPods,
      Scraper scraper,
      Demand demand,
      Duration staleness,
      ExecutorService threads) {
    this.readyPods = readyPods;
    this.scraper = scraper;
    this.demand = demand;
    this.staleness = staleness;
    this.threads = threads;
  }

  /** Told of a Workload after each scrape of it. */
  void onScraped(Consumer<WorkloadKey> listener) {
    listeners.add(listener);
  }

  /** The report for a trigger; a Workload seen for the first time is scraped first. */
  Signal.Report report(ScalerRequest request) throws InterruptedException {
    WorkloadKey key = request.workload();
    Watched seen = watched.get(key);
    if (seen == null) {
      scrape(key);
      seen = watched.get(key);
    }
    long now = System.nanoTime();
    watched.computeIfPresent(key, (k, w) -> new Watched(w.scrapes(), w.lastKnown(), now));
    return Signal.report(
        request.metric(),
        Signal.read(request.metric(), seen.scrapes()),
        seen.lastKnown().get(request.metric()),
        now,
        staleness,
        demand.held(key));
  }

  /** One round over every watched Workload; Workloads not asked about for long are dropped. */
  void tick() throws InterruptedException {
    long now = System.nanoTime();
    watched.entrySet().removeIf(e -> now - e.getValue().askedAtNanos() > FORGET_AFTER.toNanos());
    for (WorkloadKey key : List.copyOf(watched.keySet())) scrape(key);
  }

  private void scrape(WorkloadKey key) throws InterruptedException {
    List<Future<Signal.PodScrape>> pending = new ArrayList<>();
    for (PodAddress pod : readyPods.apply(key))
      pending.add(threads.submit(() -> scraper.scrape(pod)));
    List<Signal.PodScrape> scrapes = new ArrayList<>();
    for (Future<Signal.PodScrape> future : pending) {
      try {
        scrapes.add(future.get());
      } catch (ExecutionException e) {
        scrapes.add(new Signal.PodScrape.Failed("the scrape failed: " + e.getCause()));
      }
    }
    long now = System.nanoTime();
    watched.compute(
        key,
        (k, previous) -> {
          Map<ScaleMetric, Signal.LastKnown> last = new EnumMap<>(ScaleMetric.class);
          if (previous != null) last.putAll(previous.lastKnown());
          for (ScaleMetric metric : ScaleMetric.values()) {
            if (!ScalerRequest.served(metric)) continue;
            Signal.LastKnown kept =
                Signal.remember(Signal.read(metric, scrapes), last.get(metric), now);
            if (kept != null) last.put(metric, kept);
          }
          return new Watched(
              List.copyOf(scrapes),
              Map.copyOf(last),
              previous == null ? now : previous.askedAtNanos());
        });
    for (Consumer<WorkloadKey> listener : listeners) listener.accept(key);
  }
}

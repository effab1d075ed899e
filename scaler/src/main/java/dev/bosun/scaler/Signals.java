package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.ScaleMetric;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The signal of each Workload KEDA asks about: every tick, one round reads every watched Workload
 * at once (a virtual thread per scrape): the servers of its Ready pods when a vLLM metric is asked
 * for, and the agents of their nodes when gpu is (each server and each agent once per round,
 * however many Workloads share it). What was read is kept with the last known value of each metric
 * asked for. A Workload nobody asked about for {@link #FORGET_AFTER} is no longer read.
 */
final class Signals {
  static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private final Function<WorkloadKey, List<ReadyPod>> readyPods;
  private final Supplier<Map<String, PodAddress>> agentsByNode;
  private final Scraper scraper;
  private final Demand demand;
  private final Duration staleness;
  private final ExecutorService threads;
  private final Map<WorkloadKey, Watched> watched = new ConcurrentHashMap<>();
  // One round at a time, so that a round never overwrites a later one's reading.
  private final ReentrantLock rounds = new ReentrantLock();
  private final List<Consumer<WorkloadKey>> listeners = new CopyOnWriteArrayList<>();

  /** What was last read of a Workload, the metrics asked of it, and when it was last asked. */
  private record Watched(
      Signal.Round round,
      Set<ScaleMetric> asked,
      Map<ScaleMetric, Signal.LastKnown> lastKnown,
      long askedAtNanos) {}

  Signals(
      Function<WorkloadKey, List<ReadyPod>> readyPods,
      Supplier<Map<String, PodAddress>> agentsByNode,
      Scraper scraper,
      Demand demand,
      Duration staleness,
      ExecutorService threads) {
    this.readyPods = readyPods;
    this.agentsByNode = agentsByNode;
    this.scraper = scraper;
    this.demand = demand;
    this.staleness = staleness;
    this.threads = threads;
  }

  /** Told of a Workload after each round that read it. */
  void onScraped(Consumer<WorkloadKey> listener) {
    listeners.add(listener);
  }

  /** The report for a trigger; a metric asked of a Workload for the first time is read first. */
  Signal.Report report(ScalerRequest request) throws InterruptedException {
    WorkloadKey key = request.workload();
    ScaleMetric metric = request.metric();
    long askedAt = System.nanoTime();
    // Marked as asked first, so that a tick cannot forget it between here and the reading.
    Watched seen =
        watched.computeIfPresent(
            key, (k, w) -> new Watched(w.round(), w.asked(), w.lastKnown(), askedAt));
    if (seen == null || !seen.asked().contains(metric)) {
      round(List.of(key), request);
      seen = watched.get(key);
    }
    return Signal.report(
        metric,
        Signal.read(metric, seen.round()),
        seen.lastKnown().get(metric),
        System.nanoTime(),
        staleness,
        demand.held(key));
  }

  /** One round over every watched Workload; Workloads not asked about for long are dropped. */
  void tick() throws InterruptedException {
    long now = System.nanoTime();
    watched.entrySet().removeIf(e -> now - e.getValue().askedAtNanos() > FORGET_AFTER.toNanos());
    round(List.copyOf(watched.keySet()), null);
  }

  /** Reads the Workloads, {@code firstAsk} (or null) adding a metric to what its Workload asks. */
  private void round(List<WorkloadKey> keys, ScalerRequest firstAsk) throws InterruptedException {
    rounds.lockInterruptibly();
    try {
      Map<WorkloadKey, Set<ScaleMetric>> asked = new LinkedHashMap<>();
      for (WorkloadKey key : keys) {
        Set<ScaleMetric> metrics = EnumSet.noneOf(ScaleMetric.class);
        Watched seen = watched.get(key);
        if (seen != null) metrics.addAll(seen.asked());
        if (firstAsk != null && firstAsk.workload().equals(key)) metrics.add(firstAsk.metric());
        asked.put(key, metrics);
      }
      Map<String, PodAddress> agents = agentsByNode.get();
      Map<WorkloadKey, List<ReadyPod>> pods = new HashMap<>();
      Map<PodAddress, Future<Signal.PodScrape>> servers = new HashMap<>();
      Map<String, Future<Signal.PodScrape>> agentScrapes = new HashMap<>();
      for (Map.Entry<WorkloadKey, Set<ScaleMetric>> entry : asked.entrySet()) {
        List<ReadyPod> ready = readyPods.apply(entry.getKey());
        pods.put(entry.getKey(), ready);
        boolean vllm = entry.getValue().stream().anyMatch(m -> m != ScaleMetric.gpu);
        boolean gpu = entry.getValue().contains(ScaleMetric.gpu);
        for (ReadyPod pod : ready) {
          if (vllm) {
            servers.computeIfAbsent(
                pod.address(),
                address -> threads.submit(() -> scraper.scrape(address, Signal.VLLM_GAUGES)));
          }
          PodAddress agent = pod.node() == null ? null : agents.get(pod.node());
          if (gpu && agent != null) {
            agentScrapes.computeIfAbsent(
                pod.node(),
                node -> threads.submit(() -> scraper.scrape(agent, Signal.AGENT_SERIES)));
          }
        }
      }
      Map<PodAddress, Signal.PodScrape> serversRead = results(servers);
      Map<String, Signal.PodScrape> agentsRead = results(agentScrapes);
      long now = System.nanoTime();
      for (Map.Entry<WorkloadKey, Set<ScaleMetric>> entry : asked.entrySet()) {
        Signal.Round round = new Signal.Round(pods.get(entry.getKey()), serversRead, agentsRead);
        watched.compute(
            entry.getKey(),
            (k, previous) -> {
              Map<ScaleMetric, Signal.LastKnown> last = new EnumMap<>(ScaleMetric.class);
              if (previous != null) last.putAll(previous.lastKnown());
              for (ScaleMetric metric : entry.getValue()) {
                Signal.LastKnown kept =
                    Signal.remember(Signal.read(metric, round), last.get(metric), now);
                if (kept != null) last.put(metric, kept);
              }
              return new Watched(
                  round,
                  Set.copyOf(entry.getValue()),
                  Map.copyOf(last),
                  previous == null ? now : previous.askedAtNanos());
            });
      }
    } finally {
      rounds.unlock();
    }
    for (WorkloadKey key : keys) {
      for (Consumer<WorkloadKey> listener : listeners) listener.accept(key);
    }
  }

  private static <K> Map<K, Signal.PodScrape> results(Map<K, Future<Signal.PodScrape>> pending)
      throws InterruptedException {
    Map<K, Signal.PodScrape> read = new HashMap<>();
    for (Map.Entry<K, Future<Signal.PodScrape>> entry : pending.entrySet()) {
      try {
        read.put(entry.getKey(), entry.getValue().get());
      } catch (ExecutionException e) {
        read.put(entry.getKey(), new Signal.PodScrape.Failed("the scrape failed: " + e.getCause()));
      }
    }
    return Map.copyOf(read);
  }
}

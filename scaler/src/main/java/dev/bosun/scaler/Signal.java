package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.Scaling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scaler tells KEDA, computed from what was read: the sum of a vLLM gauge over a
 * Workload's Ready pods, or of each pod's GPU utilisation as its node's agent reports it; the
 * requests the router holds; and the last value known when nothing answers. A missing signal is
 * never reported as 0: past the staleness bound it is an error, so KEDA's HPA keeps the replicas it
 * has (fails static) instead of scaling to zero.
 */
public final class Signal {
  private Signal() {}

  /** The gauges read from every Ready pod's server, whatever vLLM metric the trigger asks for. */
  static final Set<String> VLLM_GAUGES =
      Set.of(
          Scaling.VLLM_REQUESTS_WAITING,
          Scaling.VLLM_REQUESTS_RUNNING,
          Scaling.VLLM_KV_CACHE_USAGE);

  /** dcgm-exporter's GPU utilisation in percent, per GPU, which the node agent serves. */
  static final String GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL";

  /** The series read from a node's agent. */
  static final Set<String> AGENT_SERIES = Set.of(GPU_UTIL);

  /** One scrape of a pod's server or of a node's agent. */
  public sealed interface PodScrape {
    record Read(Exposition.Parsed parsed) implements PodScrape {}

    record Failed(String why) implements PodScrape {}
  }

  /**
   * What one round read of a Workload: its Ready pods, the scrape of each pod's server (by address;
   * only when a vLLM metric is asked for) and of each node's agent (by node name; only when gpu
   * is).
   */
  public record Round(
      List<ReadyPod> pods, Map<PodAddress, PodScrape> servers, Map<String, PodScrape> agents) {
    public Round {
      pods = List.copyOf(pods);
      servers = Map.copyOf(servers);
      agents = Map.copyOf(agents);
    }
  }

  /** What the pods say now about one metric. */
  public sealed interface Reading {
    record Known(double value) implements Reading {}

    record Unknown(String why) implements Reading {}
  }

  /** The last value read, and when (a monotonic clock's nanoseconds). */
  public record LastKnown(double value, long atNanos) {}

  /** The answer for KEDA; {@code active} holds even when the value is unavailable. */
  public sealed interface Report {
    boolean active();

    record Value(double value, boolean active) implements Report {}

    record Unavailable(String why, boolean active) implements Report {}
  }

  /** The vLLM gauge a metric reads. */
  static String gauge(ScaleMetric metric) {
    return switch (metric) {
      case requestsWaiting -> Scaling.VLLM_REQUESTS_WAITING;
      case requestsRunning -> Scaling.VLLM_REQUESTS_RUNNING;
      case kvCacheUsage -> Scaling.VLLM_KV_CACHE_USAGE;
      case cpu, memory, gpu ->
          throw new IllegalArgumentException(metric + " is not read from vLLM's gauges");
    };
  }

  /** The metric as the round read it: from the node agents for gpu, else the pods' servers. */
  public static Reading read(ScaleMetric metric, Round round) {
    if (metric == ScaleMetric.gpu) return readGpu(round.pods(), round.agents());
    List<PodScrape> scrapes = new ArrayList<>();
    for (ReadyPod pod : round.pods()) {
      scrapes.add(round.servers().getOrDefault(pod.address(), NOT_SCRAPED));
    }
    return read(metric, scrapes);
  }

  /** A pod whose server the round did not read: unknown, never 0. */
  private static final PodScrape NOT_SCRAPED =
      new PodScrape.Failed("its server was not read in this round");

  /**
   * The sum of the gauge over the pods that answered with it (kvCacheUsage in percent). No Ready
   * pod: 0 (nothing waits or runs on no pod; held requests are added later). Ready pods but none
   * answered: unknown. Pods that did not answer are left out of the sum, so a partial answer reads
   * low until they answer again.
   */
  public static Reading read(ScaleMetric metric, List<PodScrape> scrapes) {
    String gauge = gauge(metric);
    double factor = metric == ScaleMetric.kvCacheUsage ? 100 : 1; // vLLM's fraction → percent
    List<Reading> perPod = new ArrayList<>();
    for (PodScrape scrape : scrapes) {
      perPod.add(
          switch (scrape) {
            case PodScrape.Read(Exposition.Parsed parsed) -> {
              Double value = parsed.sum(gauge);
              yield value == null
                  ? new Reading.Unknown("no " + gauge + " in its /metrics")
                  : new Reading.Known(value * factor);
            }
            case PodScrape.Failed(String why) -> new Reading.Unknown(why);
          });
    }
    return sum(gauge, perPod);
  }

  /**
   * GPU utilisation: per Ready pod, the mean over the GPUs its node's agent reports it holding
   * ({@code agents}: node name → that agent's scrape); the sum over the pods that have one. KEDA's
   * HPA divides the sum by the replicas, which gives the mean utilisation per replica, as an HPA on
   * {@code DCGM_FI_DEV_GPU_UTIL} would. No Ready pod: 0. Ready pods of which none has a value (no
   * agent on its node, the agent did not answer, or it reports no GPU of the pod): unknown.
   */
  public static Reading readGpu(List<ReadyPod> pods, Map<String, PodScrape> agents) {
    List<Reading> perPod = new ArrayList<>();
    for (ReadyPod pod : pods) perPod.add(gpu(pod, agents));
    return sum(GPU_UTIL, perPod);
  }

  private static Reading gpu(ReadyPod pod, Map<String, PodScrape> agents) {
    if (pod.node() == null) return new Reading.Unknown(pod.pod() + " names no node");
    return switch (agents.get(pod.node())) {
      case null -> new Reading.Unknown("no agent on node " + pod.node());
      case PodScrape.Failed(String why) ->
          new Reading.Unknown("the agent on " + pod.node() + ": " + why);
      case PodScrape.Read(Exposition.Parsed parsed) -> {
        Double mean = parsed.meanByPod(GPU_UTIL).get(pod.pod());
        yield mean == null
            ? new Reading.Unknown(
                "the agent on " + pod.node() + " gave no " + GPU_UTIL + " for " + pod.pod())
            : new Reading.Known(mean);
      }
    };
  }

  /**
   * The sum of the pods' known values; none is 0 (no Ready pod), none known is unknown, saying why
   * the first pod had none.
   */
  private static Reading sum(String series, List<Reading> perPod) {
    if (perPod.isEmpty()) return new Reading.Known(0);
    double sum = 0;
    int known = 0;
    String firstWhy = null;
    for (Reading reading : perPod) {
      switch (reading) {
        case Reading.Known(double value) -> {
          sum += value;
          known++;
        }
        case Reading.Unknown(String why) -> {
          if (firstWhy == null) firstWhy = why;
        }
      }
    }
    if (known == 0) {
      return new Reading.Unknown(
          "none of " + perPod.size() + " Ready pods gave " + series + ": " + firstWhy);
    }
    return new Reading.Known(sum);
  }

  /** The last known value after a reading: a known reading replaces it, an unknown one keeps it. */
  public static LastKnown remember(Reading reading, LastKnown previous, long nowNanos) {
    return reading instanceof Reading.Known(double value)
        ? new LastKnown(value, nowNanos)
        : previous;
  }

  /**
   * The report for a metric: the reading, or the last known value while it is at most {@code
   * staleness} old; plus, for requests waiting, the requests the router holds (they wait too).
   * Active when the value is above 0 or any request is held.
   */
  public static Report report(
      ScaleMetric metric,
      Reading reading,
      LastKnown last,
      long nowNanos,
      Duration staleness,
      int held) {
    boolean anyHeld = held > 0;
    double base;
    switch (reading) {
      case Reading.Known(double value) -> base = value;
      case Reading.Unknown(String why) -> {
        if (last == null || nowNanos - last.atNanos() > staleness.toNanos()) {
          return new Report.Unavailable(
              why
                  + (last == null
                      ? "; no value was ever read"
                      : "; the last value is older than " + staleness.toMillis() + " ms"),
              anyHeld);
        }
        base = last.value();
      }
    }
    double value = metric == ScaleMetric.requestsWaiting ? base + held : base;
    return new Report.Value(value, value > 0 || anyHeld);
  }
}

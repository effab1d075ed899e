package dev.bosun.agent;

import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.metrics.GpuHolder;
import dev.bosun.gpu.metrics.GpuMetrics;
import dev.bosun.gpu.metrics.PrometheusText;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code /metrics} and {@code /healthz} show: the latest sample as the loop left it. The loop
 * thread builds a new one after each sample and hands it over through one volatile field; the HTTP
 * thread renders and judges it. Pure and immutable, so the HTTP thread sees one consistent picture
 * without a lock.
 *
 * @param startedAt when the agent started; {@code null} before
 * @param sampledAt when the last sample was taken; {@code null} before the first
 * @param snapshot the last sample, with the GPUs that are gone; {@code null} before the first
 * @param state the health and counters /metrics shows beside the sample; {@code null} before the
 *     first
 * @param kernelLogOutage why the kernel log could not be read at the last sample; {@code null} when
 *     it could, or there is none
 */
record AgentView(
    Instant startedAt,
    Instant sampledAt,
    NodeSnapshot snapshot,
    GpuMetrics.State state,
    KernelLog.Outage kernelLogOutage) {

  static final AgentView NOT_STARTED = new AgentView(null, null, null, null, null);

  /** The shortest time without a sample that makes the agent unhealthy, whatever the interval. */
  static final Duration MIN_SILENCE = Duration.ofSeconds(10);

  AgentView started(Instant at) {
    return new AgentView(at, sampledAt, snapshot, state, kernelLogOutage);
  }

  /**
   * After a sample taken at {@code at}, judged into {@code health}, with the pods holding the GPUs
   * at that time.
   */
  AgentView sampled(
      Instant at,
      NodeSnapshot sample,
      NodeHealth health,
      String nodeName,
      Map<String, Long> unparsed,
      Map<String, List<GpuHolder>> holders,
      KernelLog.Outage kernelLogOutage) {
    Map<String, GpuHealth> byUuid = new HashMap<>();
    for (String uuid : health.expectedGpus()) byUuid.put(uuid, health.healthOf(uuid));
    return new AgentView(
        startedAt,
        at,
        withLostGpus(sample, health),
        new GpuMetrics.State(nodeName, byUuid, health.xids(), unparsed, holders),
        kernelLogOutage);
  }

  /**
   * The sample plus, for every GPU that is gone, its identity with no readings: a lost GPU keeps
   * its Xid counters and {@code bosun_gpu_health{state="unhealthy"}} on /metrics instead of
   * vanishing from the dashboards at the moment it matters, and shows no stale readings.
   */
  static NodeSnapshot withLostGpus(NodeSnapshot sample, NodeHealth health) {
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

  /** The exposition: the gpu module's dcgm-named families, then the agent's own counters. */
  String metrics(ClusterReporter.Writes writes) {
    String gpus = snapshot == null ? "" : GpuMetrics.render(snapshot, state);
    PrometheusText own = new PrometheusText();
    own.family("bosun_agent_writes_total", "counter", "Writes to the API server, per object.");
    own.sample(
        "bosun_agent_writes_total", Map.of("object", "gpunodehealth_status"), writes.status());
    own.sample("bosun_agent_writes_total", Map.of("object", "node_condition"), writes.condition());
    own.family(
        "bosun_agent_publish_errors_total", "counter", "Writes to the API server that failed.");
    own.sample("bosun_agent_publish_errors_total", Map.of(), writes.errors());
    return gpus + own;
  }

  /**
   * What /healthz says at {@code now}: unhealthy ({@link #healthProblem}) or not, and what works
   * only in part: a kernel log that cannot be read is retried by the agent (a restart would do no
   * more, and would forget the node's state), so it is a warning, not a failed probe.
   */
  HttpEndpoints.Health health(Instant now, Duration interval) {
    return new HttpEndpoints.Health(
        healthProblem(now, interval),
        kernelLogOutage == null ? List.of() : List.of(kernelLogOutage.describe()));
  }

  /**
   * Why the agent is not healthy at {@code now}, or {@code null} when it is: healthy while samples
   * keep coming, at most three intervals (and at least {@link #MIN_SILENCE}) apart. The API server
   * being away is not a reason to restart.
   */
  String healthProblem(Instant now, Duration interval) {
    Duration allowed = interval.multipliedBy(3);
    if (allowed.compareTo(MIN_SILENCE) < 0) allowed = MIN_SILENCE;
    Instant at = sampledAt != null ? sampledAt : startedAt;
    if (at == null) return "not started";
    Duration since = Duration.between(at, now);
    if (since.compareTo(allowed) <= 0) return null;
    return (sampledAt == null ? "no sample yet after " : "last sample ")
        + since.toSeconds()
        + " s ago";
  }
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@value #METRIC}{@code {namespace, workload, condition}}: 1 while a Workload's Ready or Degraded
 * condition is True, 0 otherwise, one series per Workload and condition as kube-state-metrics does
 * for Deployments, so an alert can name the Workload. The series go when the Workload does.
 */
final class WorkloadConditionMetrics {
  static final String METRIC = "bosun.workload.condition";
  static final List<String> CONDITIONS = List.of(ConditionTypes.READY, ConditionTypes.DEGRADED);

  /** A Workload's conditions as the gauges read them: 1 for True. */
  private record Key(String namespace, String workload, String condition) {}

  private final MeterRegistry registry;
  private final Map<Key, Gauge> gauges = new ConcurrentHashMap<>();
  private final Map<Key, Integer> values = new ConcurrentHashMap<>();

  WorkloadConditionMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The Workload's conditions as its status says now. */
  void record(String namespace, String workload, WorkloadStatus status) {
    for (String condition : CONDITIONS) {
      Key key = new Key(namespace, workload, condition);
      values.put(key, Conditions.isTrue(status.conditions(), condition) ? 1 : 0);
      gauges.computeIfAbsent(
          key,
          k ->
              Gauge.builder(METRIC, values, v -> v.getOrDefault(k, 0))
                  .description("1 while the Workload's condition is True, 0 otherwise")
                  .tags(
                      Tags.of("namespace", k.namespace(), "workload", k.workload())
                          .and("condition", k.condition()))
                  .register(registry));
    }
  }

  /** The Workload is gone: so are its series. */
  void forget(String namespace, String workload) {
    for (String condition : CONDITIONS) {
      Key key = new Key(namespace, workload, condition);
      Gauge gauge = gauges.remove(key);
      if (gauge != null) registry.remove(gauge);
      values.remove(key);
    }
  }
}

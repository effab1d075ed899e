package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadConditionMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final WorkloadConditionMetrics metrics =
      new WorkloadConditionMetrics(registry.getPrometheusRegistry());

  private static WorkloadStatus status(String ready, String degraded) {
    return new WorkloadStatus(
        1L,
        List.of(
            new Condition(ConditionTypes.READY, ready, null, null, null, null),
            new Condition(ConditionTypes.DEGRADED, degraded, null, null, null, null)),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The sample of one of a Workload's conditions in staging, as Prometheus reads it. */
  private static String sample(String workload, String condition, int value) {
    return "bosun_workload_condition{condition=\""
        + condition
        + "\",namespace=\"staging\",workload=\""
        + workload
        + "\"} "
        + value
        + ".0\n";
  }

  @Test
  void eachConditionIsOneSeriesPerWorkloadThatFollowsTheStatusAndGoesWithIt() {
    metrics.record("staging", "chat", status("True", "False"));
    metrics.record("staging", "search", status("False", "True"));
    assertThat(registry.scrape())
        .contains("# TYPE bosun_workload_condition gauge")
        .contains(sample("chat", "Ready", 1), sample("chat", "Degraded", 0))
        .contains(sample("search", "Ready", 0), sample("search", "Degraded", 1));

    metrics.record("staging", "chat", status("False", "True"));
    assertThat(registry.scrape())
        .contains(sample("chat", "Ready", 0), sample("chat", "Degraded", 1));

    metrics.forget("staging", "chat");
    assertThat(registry.scrape())
        .doesNotContain("workload=\"chat\"")
        .contains(sample("search", "Ready", 0), sample("search", "Degraded", 1));
  }
}

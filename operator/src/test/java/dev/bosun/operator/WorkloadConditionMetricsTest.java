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
  private final WorkloadConditionMetrics metrics = new WorkloadConditionMetrics(registry);

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
        null);
  }

  @Test
  void eachConditionIsOneSeriesPerWorkloadThatFollowsTheStatusAndGoesWithIt() {
    metrics.record("staging", "chat", status("True", "False"));
    assertThat(registry.scrape())
        .contains(
            "bosun_workload_condition{condition=\"Ready\",namespace=\"staging\",workload=\"chat\"} 1")
        .contains(
            "bosun_workload_condition{condition=\"Degraded\",namespace=\"staging\",workload=\"chat\"} 0");

    metrics.record("staging", "chat", status("False", "True"));
    assertThat(registry.scrape())
        .contains(
            "bosun_workload_condition{condition=\"Ready\",namespace=\"staging\",workload=\"chat\"} 0")
        .contains(
            "bosun_workload_condition{condition=\"Degraded\",namespace=\"staging\",workload=\"chat\"} 1");

    metrics.forget("staging", "chat");
    assertThat(registry.scrape()).doesNotContain("workload=\"chat\"");
  }
}

package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.v1alpha1.ScaleMetric;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalerRequestTest {
  private static Map<String, String> metadata(String workload, String metric, String target) {
    Map<String, String> m = new HashMap<>();
    if (workload != null) m.put("workload", workload);
    if (metric != null) m.put("metric", metric);
    if (target != null) m.put("target", target);
    m.put("scalerAddress", "127.0.0.1:9090");
    return m;
  }

  @Test
  void readsTheTriggerMetadata() {
    ScalerRequest request =
        ScalerRequest.parse("team-a", metadata("llm", "requestsWaiting", "4.5"));
    assertThat(request.workload()).isEqualTo(new WorkloadKey("team-a", "llm"));
    assertThat(request.metric()).isEqualTo(ScaleMetric.requestsWaiting);
    assertThat(request.target()).isEqualTo(4.5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"requestsWaiting", "requestsRunning", "kvCacheUsage", "gpu"})
  void servesTheVllmGaugesAndGpuUtilisation(ScaleMetric metric) {
    assertThat(ScalerRequest.parse("team-a", metadata("llm", metric.name(), "50")).metric())
        .isEqualTo(metric);
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        "-,      requestsWaiting, 5,       'workload: is required'",
        "'',     requestsWaiting, 5,       'workload: is required'",
        "Bad_Name, requestsWaiting, 5,     'workload: ''Bad_Name'' is not a Workload name'",
        "llm,    -,               5,       'metric: is required'",
        "llm,    queueDepth,      5,       'metric: ''queueDepth'' is not one of gpu, requestsWaiting, requestsRunning, kvCacheUsage'",
        "llm,    cpu,             5,       'metric: cpu is not served by Bosun''s push scaler (the HPA'",
        "llm,    memory,          5,       'metric: memory is not served by Bosun''s push scaler (the HPA'",
        "llm,    requestsRunning, -,       'target: is required'",
        "llm,    requestsRunning, abc,     'target: ''abc'' is not a decimal'",
        "llm,    requestsRunning, -1,      'target: ''-1'' is not a decimal'",
        "llm,    requestsRunning, 1e3,     'target: ''1e3'' is not a decimal'",
        "llm,    requestsRunning, 0,       'target: 0 must be more than 0'",
        "llm,    requestsRunning, 2000000, 'target: 2000000 must be more than 0 and at most 1000000'",
      })
  void refusesBadMetadataNamingTheKey(
      String workload, String metric, String target, String message) {
    assertThatThrownBy(() -> ScalerRequest.parse("team-a", metadata(workload, metric, target)))
        .isInstanceOf(ScalerRequest.InvalidMetadata.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void refusesANamespaceThatIsNotOne() {
    assertThatThrownBy(() -> ScalerRequest.parse("", metadata("llm", "requestsWaiting", "1")))
        .hasMessageStartingWith("namespace:");
  }
}

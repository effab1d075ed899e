package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.WorkloadScaling;
import dev.bosun.compiler.ScalingPlan;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatusBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a Workload's status says of its scaling, from its plan and its autoscaler's status. */
class ScalingStatusTest {
  private static final ScalingPlan KEDA =
      new ScalingPlan(
          ScalingEngine.KEDA,
          ScaleMetric.requestsWaiting,
          4,
          1,
          8,
          null,
          null,
          null,
          "scaler:9090",
          null);
  private static final ScalingPlan HPA_FALLBACK =
      new ScalingPlan(
          ScalingEngine.HPA,
          ScaleMetric.cpu,
          70,
          1,
          8,
          null,
          null,
          null,
          "scaler:9090",
          "tier \"gpu-m\" scales Inference on requestsWaiting, which needs KEDA");

  private static HorizontalPodAutoscaler hpa(String status, String reason, MetricStatus metric) {
    var builder =
        new HorizontalPodAutoscalerBuilder()
            .withNewMetadata()
            .withName("keda-hpa-chat")
            .endMetadata()
            .withNewStatus()
            .withCurrentReplicas(3)
            .withDesiredReplicas(5)
            .addNewCondition()
            .withType("ScalingActive")
            .withStatus(status)
            .withReason(reason)
            .withMessage("the HPA said so")
            .endCondition();
    if (metric != null) {
      builder.withCurrentMetrics(metric);
    }
    return builder.endStatus().build();
  }

  private static MetricStatus external(String averageValue) {
    return new MetricStatusBuilder()
        .withType("External")
        .withNewExternal()
        .withNewCurrent()
        .withAverageValue(new Quantity(averageValue))
        .endCurrent()
        .endExternal()
        .build();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(
            "KEDA not served",
            KEDA,
            hpa("True", "ValidMetricFound", null),
            false,
            false,
            Reasons.KEDA_NOT_INSTALLED),
        Arguments.of(
            "cluster lacks KEDA",
            HPA_FALLBACK,
            hpa("True", "ValidMetricFound", null),
            true,
            false,
            Reasons.ENGINE_MISSING),
        Arguments.of("no HPA yet", KEDA, null, true, false, Reasons.SIGNAL_PENDING),
        Arguments.of(
            "signal read",
            KEDA,
            hpa("True", "ValidMetricFound", null),
            true,
            true,
            Reasons.SIGNAL_READ),
        Arguments.of(
            "scaler down",
            KEDA,
            hpa("False", "FailedGetExternalMetric", null),
            true,
            false,
            Reasons.SIGNAL_UNAVAILABLE),
        Arguments.of(
            "idle at zero",
            KEDA,
            hpa("False", "ScalingDisabled", null),
            true,
            true,
            Reasons.SCALED_TO_ZERO));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void theConditionSaysWhy(
      String name,
      ScalingPlan plan,
      HorizontalPodAutoscaler autoscaler,
      boolean kedaServed,
      boolean active,
      String reason) {
    Conditions.Observed condition = ScalingStatus.condition(plan, autoscaler, kedaServed);
    assertThat(condition.type()).isEqualTo(ConditionTypes.SCALING_ACTIVE);
    assertThat(condition.status()).isEqualTo(active);
    assertThat(condition.reason()).isEqualTo(reason);
  }

  @Test
  void aSignalThatCannotBeReadIsQuotedAndKeepsReplicas() {
    var condition =
        ScalingStatus.condition(KEDA, hpa("False", "FailedGetExternalMetric", null), true);
    assertThat(condition.message())
        .isEqualTo(
            "the autoscaler cannot read requestsWaiting, so replicas stay as they are:"
                + " FailedGetExternalMetric: the HPA said so");
  }

  @Test
  void theMessageOfAClusterThatLacksTheEngineIsThePlans() {
    assertThat(ScalingStatus.condition(HPA_FALLBACK, null, true).message())
        .isEqualTo(HPA_FALLBACK.message());
  }

  @Test
  void scalingShowsSignalTargetCurrentValueAndReplicas() {
    WorkloadScaling scaling =
        ScalingStatus.scaling(KEDA, hpa("True", "ValidMetricFound", external("2500m")));
    assertThat(scaling)
        .isEqualTo(
            new WorkloadScaling(
                ScalingEngine.KEDA, ScaleMetric.requestsWaiting, 4, "2.5", 1, 8, 3, 5));
  }

  @Test
  void theCurrentValueIsAPlainDecimalOrAUtilisation() {
    assertThat(ScalingStatus.current(List.of(external("7")))).contains("7");
    assertThat(ScalingStatus.current(List.of(external("120m")))).contains("0.12");
    var cpu =
        new MetricStatusBuilder()
            .withType("Resource")
            .withNewResource()
            .withName("cpu")
            .withNewCurrent()
            .withAverageUtilization(55)
            .endCurrent()
            .endResource()
            .build();
    assertThat(ScalingStatus.current(List.of(cpu))).contains("55");
    assertThat(ScalingStatus.current(List.of())).isEmpty();
    assertThat(ScalingStatus.scaling(KEDA, null).current()).isNull();
  }
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadScaling;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import dev.bosun.compiler.ScalingPlan;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an autoscaled Workload's status says of its scaling, from its plan and the
 * HorizontalPodAutoscaler that scales it (Bosun's own, or the one KEDA makes for the ScaledObject).
 * Pure: everything it reads is passed in.
 */
final class ScalingStatus {
  // The HPA controller's own words.

  /** An HPA condition: whether it can read the metric and compute replicas. */
  static final String HPA_SCALING_ACTIVE = "ScalingActive";

  /** The reason of HPA ScalingActive=False while the target has zero replicas (KEDA's idle). */
  static final String HPA_SCALING_DISABLED = "ScalingDisabled";

  private ScalingStatus() {}

  /**
   * The status with {@code scaling} and the ScalingActive condition.
   *
   * @param autoscaler the HPA that scales the Workload, or null while there is none
   * @param kedaServed whether the API server serves KEDA's ScaledObject (asked only for KEDA)
   */
  static WorkloadStatus apply(
      WorkloadStatus status,
      Workload workload,
      ScalingPlan plan,
      HorizontalPodAutoscaler autoscaler,
      boolean kedaServed,
      Instant now) {
    List<Condition> previous =
        workload.getStatus() == null ? null : workload.getStatus().conditions();
    List<Condition> conditions =
        new ArrayList<>(status.conditions() == null ? List.of() : status.conditions());
    conditions.addAll(
        Conditions.merge(
            previous,
            List.of(condition(plan, autoscaler, kedaServed)),
            status.observedGeneration() == null ? 0 : status.observedGeneration(),
            now));
    return status.withScaling(scaling(plan, autoscaler), conditions);
  }

  static WorkloadScaling scaling(ScalingPlan plan, HorizontalPodAutoscaler autoscaler) {
    var st = autoscaler == null ? null : autoscaler.getStatus();
    return new WorkloadScaling(
        plan.engine(),
        plan.metric(),
        plan.target(),
        st == null ? null : current(st.getCurrentMetrics()).orElse(null),
        plan.minReplicas(),
        plan.maxReplicas(),
        st == null ? null : st.getCurrentReplicas(),
        st == null ? null : st.getDesiredReplicas());
  }

  static Conditions.Observed condition(
      ScalingPlan plan, HorizontalPodAutoscaler autoscaler, boolean kedaServed) {
    if (plan.engine() == ScalingEngine.KEDA && !kedaServed) {
      return inactive(
          Reasons.KEDA_NOT_INSTALLED,
          "the Environment's spec.autoscaling.engine is KEDA, but this cluster does not serve"
              + " keda.sh/v1alpha1 ScaledObjects; replicas stay as they are until KEDA is"
              + " installed or the engine is HPA");
    }
    if (plan.message() != null) {
      return inactive(Reasons.ENGINE_MISSING, plan.message());
    }
    Optional<HorizontalPodAutoscalerCondition> active =
        autoscaler == null || autoscaler.getStatus() == null
            ? Optional.empty()
            : autoscaler.getStatus().getConditions().stream()
                .filter(c -> HPA_SCALING_ACTIVE.equals(c.getType()))
                .findFirst();
    if (active.isEmpty()) {
      return inactive(
          Reasons.SIGNAL_PENDING,
          "waiting for the autoscaler to read " + plan.metric() + " for the first time");
    }
    HorizontalPodAutoscalerCondition hpa = active.get();
    if ("True".equals(hpa.getStatus())) {
      return new Conditions.Observed(
          ConditionTypes.SCALING_ACTIVE,
          true,
          Reasons.SIGNAL_READ,
          "scaling on " + plan.metric() + " to " + plan.target() + " per replica");
    }
    if (HPA_SCALING_DISABLED.equals(hpa.getReason())) {
      return new Conditions.Observed(
          ConditionTypes.SCALING_ACTIVE,
          true,
          Reasons.SCALED_TO_ZERO,
          "at zero replicas while idle; demand wakes it");
    }
    return inactive(
        Reasons.SIGNAL_UNAVAILABLE,
        "the autoscaler cannot read "
            + plan.metric()
            + ", so replicas stay as they are: "
            + hpa.getReason()
            + ": "
            + hpa.getMessage());
  }

  private static Conditions.Observed inactive(String reason, String message) {
    return new Conditions.Observed(ConditionTypes.SCALING_ACTIVE, false, reason, message);
  }

  /** The first metric's current average per replica, as a plain decimal. */
  static Optional<String> current(List<MetricStatus> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return Optional.empty();
    }
    MetricStatus metric = metrics.getFirst();
    MetricValueStatus value =
        switch (metric.getType()) {
          case "Resource" ->
              metric.getResource() == null ? null : metric.getResource().getCurrent();
          case "External" ->
              metric.getExternal() == null ? null : metric.getExternal().getCurrent();
          case "Pods" -> metric.getPods() == null ? null : metric.getPods().getCurrent();
          default -> null;
        };
    if (value == null) {
      return Optional.empty();
    }
    if (value.getAverageUtilization() != null) {
      return Optional.of(value.getAverageUtilization().toString());
    }
    Quantity amount = value.getAverageValue() != null ? value.getAverageValue() : value.getValue();
    return amount == null
        ? Optional.empty()
        : Optional.of(amount.getNumericalAmount().stripTrailingZeros().toPlainString());
  }
}

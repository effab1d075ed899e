package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.ScalingRules;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ExternalMetricSource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricIdentifier;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object that scales a Deployment by its {@link ScalingPlan}: a KEDA ScaledObject (KEDA then
 * makes the HPA) or a HorizontalPodAutoscaler.
 */
final class Autoscalers {
  /**
   * How often KEDA asks the scaler whether a Workload at zero has demand, in seconds: the delay of
   * a wake-up that no held request signals first.
   */
  static final int KEDA_POLLING_INTERVAL_SECONDS = 5;

  /**
   * Failed reads of the signal before KEDA's fallback holds the replicas where they are (fails
   * static: a missing signal never scales a Workload in).
   */
  static final int KEDA_FALLBACK_FAILURES = 3;

  private Autoscalers() {}

  static HasMetadata of(ScalingPlan plan, ObjectMeta metadata, String deploymentName) {
    return plan.engine() == ScalingEngine.KEDA
        ? scaledObject(plan, metadata, deploymentName)
        : horizontalPodAutoscaler(plan, metadata, deploymentName);
  }

  private static HorizontalPodAutoscaler horizontalPodAutoscaler(
      ScalingPlan plan, ObjectMeta metadata, String deploymentName) {
    HorizontalPodAutoscalerSpec autoscaler = new HorizontalPodAutoscalerSpec();
    autoscaler.setScaleTargetRef(
        new CrossVersionObjectReference("apps/v1", "Deployment", deploymentName));
    autoscaler.setMinReplicas(plan.minReplicas());
    autoscaler.setMaxReplicas(plan.maxReplicas());
    autoscaler.setMetrics(List.of(metric(plan, metadata.getName())));
    autoscaler.setBehavior(behavior(plan));
    return new HorizontalPodAutoscaler(
        "autoscaling/v2", "HorizontalPodAutoscaler", metadata, autoscaler, null);
  }

  private static MetricSpec metric(ScalingPlan plan, String workloadName) {
    MetricTarget goal = new MetricTarget();
    MetricSpec metric = new MetricSpec();
    if (plan.externalMetric()) {
      goal.setType("AverageValue");
      goal.setAverageValue(new Quantity(Integer.toString(plan.target())));
      LabelSelector selector = new LabelSelector();
      selector.setMatchLabels(signalLabels(plan.metric(), workloadName));
      ExternalMetricSource external = new ExternalMetricSource();
      external.setMetric(new MetricIdentifier(Scaling.EXTERNAL_METRIC, selector));
      external.setTarget(goal);
      metric.setType("External");
      metric.setExternal(external);
      return metric;
    }
    goal.setType("Utilization");
    goal.setAverageUtilization(plan.target());
    ResourceMetricSource resource = new ResourceMetricSource();
    resource.setName(plan.metric().name());
    resource.setTarget(goal);
    metric.setType("Resource");
    metric.setResource(resource);
    return metric;
  }

  private static Map<String, String> signalLabels(ScaleMetric metric, String workloadName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Scaling.METADATA_WORKLOAD, workloadName);
    labels.put(Scaling.METADATA_METRIC, metric.name());
    return labels;
  }

  private static HorizontalPodAutoscalerBehavior behavior(ScalingPlan plan) {
    if (plan.scaleUp() == null && plan.scaleDown() == null) {
      return null;
    }
    HorizontalPodAutoscalerBehavior behavior = new HorizontalPodAutoscalerBehavior();
    behavior.setScaleUp(rules(plan.scaleUp()));
    behavior.setScaleDown(rules(plan.scaleDown()));
    return behavior;
  }

  private static HPAScalingRules rules(ScalingRules rules) {
    if (rules == null) {
      return null;
    }
    int period =
        rules.periodSeconds() == null ? ScalingRules.DEFAULT_PERIOD_SECONDS : rules.periodSeconds();
    List<HPAScalingPolicy> policies = new ArrayList<>();
    if (rules.pods() != null) {
      policies.add(new HPAScalingPolicy(period, "Pods", rules.pods()));
    }
    if (rules.percent() != null) {
      policies.add(new HPAScalingPolicy(period, "Percent", rules.percent()));
    }
    HPAScalingRules scaling = new HPAScalingRules();
    scaling.setStabilizationWindowSeconds(rules.stabilizationWindowSeconds());
    scaling.setPolicies(policies.isEmpty() ? null : policies);
    return scaling;
  }

  /**
   * A KEDA ScaledObject (keda.sh/v1alpha1): cpu and memory through KEDA's own triggers, every other
   * signal through Bosun's external push scaler.
   */
  private static GenericKubernetesResource scaledObject(
      ScalingPlan plan, ObjectMeta metadata, String deploymentName) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(
        "scaleTargetRef",
        Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", deploymentName));
    spec.put("pollingInterval", KEDA_POLLING_INTERVAL_SECONDS);
    if (plan.idleToZeroAfter() != null) {
      spec.put("cooldownPeriod", plan.idleToZeroAfter().toSeconds());
    }
    spec.put("minReplicaCount", plan.minReplicas());
    spec.put("maxReplicaCount", plan.maxReplicas());
    HorizontalPodAutoscalerBehavior behavior = behavior(plan);
    if (behavior != null) {
      spec.put("advanced", Map.of("horizontalPodAutoscalerConfig", Map.of("behavior", behavior)));
    }
    Map<String, Object> trigger = new LinkedHashMap<>();
    if (plan.metric().isResource()) {
      trigger.put("type", plan.metric().name());
      trigger.put("metricType", "Utilization");
      trigger.put("metadata", Map.of("value", Integer.toString(plan.target())));
    } else {
      Map<String, String> triggerMetadata = new LinkedHashMap<>();
      triggerMetadata.put(Scaling.METADATA_SCALER_ADDRESS, plan.scalerAddress());
      triggerMetadata.put(Scaling.METADATA_WORKLOAD, metadata.getName());
      triggerMetadata.put(Scaling.METADATA_METRIC, plan.metric().name());
      triggerMetadata.put(Scaling.METADATA_TARGET, Integer.toString(plan.target()));
      trigger.put("type", Scaling.KEDA_TRIGGER_TYPE);
      trigger.put("metadata", triggerMetadata);
      // KEDA's default fallback is a fixed count; currentReplicas keeps what runs instead. KEDA
      // refuses a fallback on cpu and memory triggers, whose HPA keeps its replicas anyway.
      spec.put(
          "fallback",
          Map.of(
              "failureThreshold",
              KEDA_FALLBACK_FAILURES,
              "replicas",
              Math.max(plan.minReplicas(), 1),
              "behavior",
              "currentReplicas"));
    }
    spec.put("triggers", List.of(trigger));
    GenericKubernetesResource scaledObject = new GenericKubernetesResource();
    scaledObject.setApiVersion(Scaling.KEDA_API_VERSION);
    scaledObject.setKind(Scaling.SCALED_OBJECT_KIND);
    scaledObject.setMetadata(metadata);
    scaledObject.setAdditionalProperties(Map.of("spec", spec));
    return scaledObject;
  }
}

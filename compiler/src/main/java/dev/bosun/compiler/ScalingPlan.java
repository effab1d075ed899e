package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentAutoscaling;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScaleSignal;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.ScalingPolicy;
import dev.bosun.api.v1alpha1.ScalingRules;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How an autoscaled Workload scales, decided from its Tier's policy, its own choice within it and
 * what its Environment says the cluster has. Pure: the compiler emits objects from it, the operator
 * reports it.
 *
 * @param engine what scales the Workload
 * @param metric the signal scaled on (cpu when the cluster cannot read the tier's)
 * @param target the average per replica scaled to (percent, or requests)
 * @param minReplicas the fewest replicas (0 only with KEDA and a tier that allows it)
 * @param maxReplicas the most replicas
 * @param scaleUp how fast replicas are added; null: the autoscaler's default
 * @param scaleDown how fast replicas are removed; null: the autoscaler's default
 * @param idleToZeroAfter how long without demand before zero; null unless {@code minReplicas} is 0
 * @param scalerAddress where KEDA reaches Bosun's external scaler
 * @param message what the cluster lacks of what the tier asks for; null when nothing
 */
public record ScalingPlan(
    ScalingEngine engine,
    ScaleMetric metric,
    int target,
    int minReplicas,
    int maxReplicas,
    ScalingRules scaleUp,
    ScalingRules scaleDown,
    Duration idleToZeroAfter,
    String scalerAddress,
    String message) {

  /** What a tier that says nothing for a serving type allows: cpu at 70 percent. */
  static final ScaleSignal DEFAULT_SIGNAL = new ScaleSignal(ScaleMetric.cpu, 70);

  /**
   * The plan of a Workload that autoscales (a serving type with {@code replicas.min < max}); empty
   * otherwise. The Workload is assumed to follow {@link Rules}.
   */
  public static Optional<ScalingPlan> of(Workload workload, Tier tier, Environment environment) {
    WorkloadSpec spec = workload.getSpec();
    if (!spec.type().isServing() || spec.replicas() == null || !spec.replicas().autoscaled()) {
      return Optional.empty();
    }
    ScalingPolicy policy = policy(tier, spec.type());
    EnvironmentAutoscaling cluster =
        environment == null || environment.getSpec() == null
            ? EnvironmentAutoscaling.DEFAULTS
            : environment.getSpec().autoscalingOrDefaults();
    ScaleMetric metric =
        spec.scaleOn() != null ? spec.scaleOn().metric() : policy.defaultSignal().metric();
    int target =
        spec.scaleOn() != null && spec.scaleOn().target() != null
            ? spec.scaleOn().target()
            : targetOf(policy, metric);
    int min = spec.replicas().min();
    List<String> lacking = new ArrayList<>();
    String tierName = tier.getMetadata().getName();
    ScalingEngine engine = cluster.engineOrDefault();
    if (engine == ScalingEngine.HPA) {
      if (!metric.isResource() && !cluster.hasExternalMetrics()) {
        lacking.add(
            "tier \""
                + tierName
                + "\" scales "
                + spec.type()
                + " on "
                + metric
                + ", which needs KEDA (Environment spec.autoscaling.engine: KEDA) or an"
                + " external-metrics adapter (spec.autoscaling.externalMetrics: true); scaling on"
                + " cpu instead");
        metric = ScaleMetric.cpu;
        target = targetOf(policy, ScaleMetric.cpu);
      }
      if (min == 0) {
        lacking.add(
            "scaling to zero needs KEDA (Environment spec.autoscaling.engine: KEDA); keeping at"
                + " least 1 replica");
        min = 1;
      }
    }
    return Optional.of(
        new ScalingPlan(
            engine,
            metric,
            target,
            min,
            spec.replicas().max(),
            policy.scaleUp(),
            policy.scaleDown(),
            min == 0 ? Durations.parse(policy.idleToZeroAfter()) : null,
            cluster.scalerAddressOrDefault(),
            lacking.isEmpty() ? null : String.join("; ", lacking)));
  }

  /** The tier's policy for a serving type, or what a tier without one allows. */
  public static ScalingPolicy policy(Tier tier, WorkloadType type) {
    return tier.getSpec()
        .scalingOf(type)
        .orElseGet(() -> new ScalingPolicy(type, List.of(DEFAULT_SIGNAL), null, null, null, null));
  }

  /** Whether the HPA reads the signal from an external-metrics adapter. */
  public boolean externalMetric() {
    return engine == ScalingEngine.HPA && !metric.isResource();
  }

  /** The tier's target for the metric; the default's when the tier does not list it. */
  private static int targetOf(ScalingPolicy policy, ScaleMetric metric) {
    return policy.signal(metric).map(ScaleSignal::target).orElse(DEFAULT_SIGNAL.target());
  }
}

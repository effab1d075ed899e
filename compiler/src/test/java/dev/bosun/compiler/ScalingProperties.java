package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentAutoscaling;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.GpuAllocation;
import dev.bosun.api.v1alpha1.GpuSharing;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScaleOn;
import dev.bosun.api.v1alpha1.ScaleSignal;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.ScalingPolicy;
import dev.bosun.api.v1alpha1.ScalingRules;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierGpuBuilder;
import dev.bosun.api.v1alpha1.TierResources;
import dev.bosun.api.v1alpha1.TierSpecBuilder;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A Workload chooses its signal and replicas only within its tier's scaling policy and its
 * Environment's cap, and what scales it is what the Environment says the cluster has.
 */
class ScalingProperties {
  private static final String TIER = "gpu-large";

  /** An inference tier that scales on requestsWaiting (default) or kvCacheUsage, up to 8. */
  private static Tier tier(String idleToZeroAfter) {
    var policy =
        new ScalingPolicy(
            WorkloadType.Inference,
            List.of(
                new ScaleSignal(ScaleMetric.requestsWaiting, 4),
                new ScaleSignal(ScaleMetric.kvCacheUsage, 80)),
            8,
            new ScalingRules(0, 2, null, 30),
            new ScalingRules(600, 1, null, 120),
            idleToZeroAfter);
    var tier = new Tier();
    tier.setMetadata(new ObjectMetaBuilder().withName(TIER).build());
    tier.setSpec(
        new TierSpecBuilder()
            .withDescription("test")
            .withResources(new TierResources("4", "16Gi", null))
            .withGpu(
                new TierGpuBuilder()
                    .withCount(1)
                    .withAllocation(GpuAllocation.DRA)
                    .withSharing(GpuSharing.Exclusive)
                    .build())
            .withScaling(List.of(policy))
            .build());
    return tier;
  }

  private static Workload inference(int min, int max, ScaleOn scaleOn) {
    return Workloads.workload(
        "chat",
        Workloads.minimalSpec(WorkloadType.Inference, TIER)
            .withReplicas(new Replicas(min, max))
            .withScaleOn(scaleOn)
            .build());
  }

  private static Environment environment(EnvironmentAutoscaling autoscaling) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName("prod").build());
    environment.setSpec(
        new EnvironmentSpecBuilder().withNamespace("prod").withAutoscaling(autoscaling).build());
    return environment;
  }

  private static List<String> problemsAt(String path, Workload workload, Tier tier, Environment e) {
    return Rules.check(workload, tier, e).stream()
        .filter(p -> p.path().equals(path))
        .map(FieldError::message)
        .toList();
  }

  @Property
  void maxAboveTheTiersBoundIsRejectedNamingIt(@ForAll @IntRange(min = 2, max = 1000) int max) {
    List<String> problems =
        problemsAt("spec.replicas.max", inference(1, max, null), tier(null), null);
    if (max > 8) {
      assertThat(problems)
          .containsExactly(
              max
                  + " is more than tier \"gpu-large\" allows: at most 8"
                  + " (spec.scaling[Inference].maxReplicas)");
    } else {
      assertThat(problems).isEmpty();
    }
  }

  @Property
  void maxAboveTheEnvironmentsCapIsRejectedNamingIt(
      @ForAll @IntRange(min = 2, max = 8) int max, @ForAll @IntRange(min = 1, max = 8) int cap) {
    var environment = environment(new EnvironmentAutoscaling(null, null, null, cap));
    Workload workload = inference(1, max, null);
    workload.getMetadata().setNamespace("prod");
    List<String> problems = problemsAt("spec.replicas.max", workload, tier(null), environment);
    if (max > cap) {
      assertThat(problems)
          .containsExactly(
              max
                  + " is more than Environment \"prod\" allows: at most "
                  + cap
                  + " (spec.autoscaling.maxReplicas)");
    } else {
      assertThat(problems).isEmpty();
    }
  }

  @Property
  void onlyTheTiersSignalsMayBeChosen(@ForAll ScaleMetric metric) {
    List<String> problems =
        problemsAt(
            "spec.scaleOn.metric", inference(1, 4, new ScaleOn(metric, 1)), tier(null), null);
    boolean allowed = metric == ScaleMetric.requestsWaiting || metric == ScaleMetric.kvCacheUsage;
    if (allowed) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems)
          .containsExactly(
              metric
                  + " is not a signal of tier \"gpu-large\", which scales Inference on"
                  + " requestsWaiting, kvCacheUsage (spec.scaling[Inference].signals)");
    }
  }

  @Property
  void aTargetIsAPercentOrARequestCount(
      @ForAll ScaleMetric metric, @ForAll @IntRange(min = 1, max = 20000) int target) {
    List<String> problems =
        Rules.checkWorkload(inference(1, 4, new ScaleOn(metric, target))).stream()
            .filter(p -> p.path().equals("spec.scaleOn.target"))
            .map(FieldError::message)
            .toList();
    int most = metric.isPercent() ? 100 : 10000;
    assertThat(problems.isEmpty()).isEqualTo(target <= most);
  }

  @Property
  void zeroOnlyWhereTheTierAllowsIt(@ForAll boolean tierAllowsZero) {
    Tier tier = tier(tierAllowsZero ? "10m" : null);
    List<String> problems = problemsAt("spec.replicas.min", inference(0, 4, null), tier, null);
    if (tierAllowsZero) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems)
          .containsExactly(
              "0 (scale to zero) is not allowed by tier \"gpu-large\": it sets no"
                  + " spec.scaling[Inference].idleToZeroAfter");
    }
  }

  @Provide
  Arbitrary<EnvironmentAutoscaling> clusters() {
    return Arbitraries.of(ScalingEngine.values())
        .injectNull(0.2)
        .flatMap(
            engine ->
                Arbitraries.of(true, false)
                    .injectNull(0.2)
                    .map(external -> new EnvironmentAutoscaling(engine, external, null, null)));
  }

  /**
   * Whatever the cluster: a valid object that scales the Workload between its bounds, on the tier's
   * signal when the cluster can read it, else on cpu with a message; never to zero without KEDA; a
   * KEDA ScaledObject and no HPA of Bosun's own where KEDA runs.
   */
  @Property
  void theClusterGetsAnAutoscalerItCanRun(
      @ForAll("clusters") EnvironmentAutoscaling cluster,
      @ForAll boolean toZero,
      @ForAll boolean kvCache) {
    Workload workload =
        inference(toZero ? 0 : 1, 5, kvCache ? new ScaleOn(ScaleMetric.kvCacheUsage, null) : null);
    workload.getMetadata().setNamespace("prod");
    Environment environment = environment(cluster);
    List<HasMetadata> objects = Compiler.compile(workload, tier("5m"), environment);
    ScalingPlan plan = ScalingPlan.of(workload, tier("5m"), environment).orElseThrow();
    ScaleMetric chosen = kvCache ? ScaleMetric.kvCacheUsage : ScaleMetric.requestsWaiting;
    boolean keda = cluster.engineOrDefault() == ScalingEngine.KEDA;
    if (keda) {
      assertThat(objects).noneMatch(HorizontalPodAutoscaler.class::isInstance);
      GenericKubernetesResource scaledObject =
          objects.stream()
              .filter(GenericKubernetesResource.class::isInstance)
              .map(GenericKubernetesResource.class::cast)
              .findFirst()
              .orElseThrow();
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) scaledObject.get("spec");
      assertThat(spec).containsEntry("minReplicaCount", toZero ? 0 : 1);
      assertThat(spec).containsEntry("maxReplicaCount", 5);
      assertThat(spec.containsKey("cooldownPeriod")).isEqualTo(toZero);
      assertThat(plan.metric()).isEqualTo(chosen);
      assertThat(plan.message()).isNull();
      return;
    }
    HorizontalPodAutoscaler hpa =
        objects.stream()
            .filter(HorizontalPodAutoscaler.class::isInstance)
            .map(HorizontalPodAutoscaler.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    String type = hpa.getSpec().getMetrics().getFirst().getType();
    boolean lacking = !cluster.hasExternalMetrics();
    assertThat(type).isEqualTo(lacking ? "Resource" : "External");
    assertThat(plan.metric()).isEqualTo(lacking ? ScaleMetric.cpu : chosen);
    assertThat(plan.message() != null).isEqualTo(lacking || toZero);
    assertThat(hpa.getMetadata().getAnnotations().containsKey(Scaling.FALLBACK_ANNOTATION))
        .isEqualTo(lacking || toZero);
  }
}

package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScaleOn;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The Bosun compiler: {@code (Workload, Tier, Environment) -> objects}, a pure function with no
 * client calls, so that {@code bosun render} and the operator produce the same objects.
 */
public final class Compiler {
  /** The pod readiness gate that the GPU health controller sets. */
  public static final String GPU_HEALTHY_GATE = "bosun.dev/gpu-healthy";

  /** Used when neither the Workload nor its Tier names an autoscaling signal. */
  static final ScaleOn DEFAULT_SCALE_ON = new ScaleOn(ScaleMetric.cpu, 70);
  /** Scale model servers in slowly: a replica that goes takes minutes of weight loading to come back. */
  private static final int INFERENCE_SCALE_DOWN_WINDOW_SECONDS = 600;

  private Compiler() {}

  /**
   * Compiles a Workload that names {@code tier}; {@code environment} may be null.
   *
   * @throws InvalidWorkloadException with every problem found, when the Workload breaks a rule
   */
  public static List<HasMetadata> compile(Workload workload, Tier tier, Environment environment) {
    List<Problem> problems = new ArrayList<>(Rules.check(workload, tier, environment));
    Rules.checkTier(tier).forEach(p -> problems.add(new Problem("spec.size", "tier \"" + tier.getMetadata().getName() + "\" is invalid: " + p)));
    if (!problems.isEmpty()) {
      throw new InvalidWorkloadException(problems);
    }
    Target target = Target.of(workload, tier, environment);
    WorkloadSpec spec = workload.getSpec();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new ServiceAccountBuilder()
        .withMetadata(metadata(target, target.serviceAccountName()))
        .withAutomountServiceAccountToken(false)
        .build());
    if (GpuClaims.usesDra(tier.getSpec().gpu())) {
      objects.add(GpuClaims.template(metadata(target, target.claimTemplateName()), target.labels(), tier.getSpec().gpu()));
    }
    objects.add(NetworkPolicies.build(metadata(target, Names.of(workload.getMetadata().getName(), "", Names.LABEL)), target));
    PodTemplateSpec pod = PodTemplates.build(target);
    if (spec.type().isServing()) {
      addServing(target, pod, objects);
    } else {
      addJob(target, pod, objects);
    }
    return List.copyOf(objects);
  }

  private static void addServing(Target target, PodTemplateSpec pod, List<HasMetadata> objects) {
    WorkloadSpec spec = target.workload().getSpec();
    String name = target.workload().getMetadata().getName();
    String deploymentName = Names.of(name, "", Names.DEPLOYMENT);
    boolean autoscaled = spec.replicas() != null && spec.replicas().autoscaled();
    boolean gpu = target.tier().getSpec().gpu() != null;

    objects.add(new ServiceBuilder()
        .withMetadata(metadata(target, Names.of(name, "", Names.LABEL)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(target.selector())
        .addNewPort().withName(PodTemplates.PORT_NAME).withProtocol("TCP").withPort(spec.port())
        .withTargetPort(new IntOrString(PodTemplates.PORT_NAME)).endPort()
        .endSpec()
        .build());

    var deployment = new DeploymentBuilder()
        .withMetadata(metadata(target, deploymentName))
        .withNewSpec()
        // With an autoscaler the replica count is the autoscaler's to set, not ours.
        .withReplicas(autoscaled ? null : target.replicas())
        .withRevisionHistoryLimit(5)
        .withNewSelector().withMatchLabels(target.selector()).endSelector()
        .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
        // A GPU rollout must not need a spare GPU: replace in place, one pod at a time.
        .withMaxSurge(new IntOrString(gpu ? 0 : 1))
        .withMaxUnavailable(new IntOrString(gpu ? 1 : 0))
        .endRollingUpdate().endStrategy()
        .withTemplate(pod)
        .endSpec();
    objects.add(deployment.build());

    objects.add(new PodDisruptionBudgetBuilder()
        .withMetadata(metadata(target, Names.of(name, "", Names.LABEL)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector().withMatchLabels(target.selector()).endSelector()
        // A pod that is not ready (a bad GPU, say) must never block a node's drain.
        .withUnhealthyPodEvictionPolicy("AlwaysAllow")
        .endSpec()
        .build());

    if (autoscaled) {
      ScaleOn scaleOn = spec.scaleOn() != null ? spec.scaleOn()
          : target.tier().getSpec().autoscaling() != null ? target.tier().getSpec().autoscaling() : DEFAULT_SCALE_ON;
      var hpa = new HorizontalPodAutoscalerBuilder()
          .withMetadata(metadata(target, Names.of(name, "", Names.LABEL)))
          .withNewSpec()
          .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(deploymentName).endScaleTargetRef()
          .withMinReplicas(spec.replicas().min())
          .withMaxReplicas(spec.replicas().max())
          .withMetrics(metric(scaleOn));
      if (spec.type() == dev.bosun.api.v1alpha1.WorkloadType.Inference) {
        hpa.withNewBehavior().withNewScaleDown().withStabilizationWindowSeconds(INFERENCE_SCALE_DOWN_WINDOW_SECONDS).endScaleDown().endBehavior();
      }
      objects.add(hpa.endSpec().build());
    }
  }

  private static MetricSpec metric(ScaleOn scaleOn) {
    if (scaleOn.metric() == ScaleMetric.gpu) {
      // dcgm-exporter's utilisation gauge, served to the autoscaler by a metrics adapter.
      return new MetricSpecBuilder().withType("Pods").withNewPods()
          .withNewMetric().withName("DCGM_FI_DEV_GPU_UTIL").endMetric()
          .withNewTarget().withType("AverageValue").withAverageValue(new io.fabric8.kubernetes.api.model.Quantity(scaleOn.target().toString())).endTarget()
          .endPods().build();
    }
    return new MetricSpecBuilder().withType("Resource").withNewResource()
        .withName(scaleOn.metric().name())
        .withNewTarget().withType("Utilization").withAverageUtilization(scaleOn.target()).endTarget()
        .endResource().build();
  }

  private static void addJob(Target target, PodTemplateSpec pod, List<HasMetadata> objects) {
    WorkloadSpec spec = target.workload().getSpec();
    String name = target.workload().getMetadata().getName();
    int completions = Target.completions(target.workload());
    int parallelism = spec.parallelism() == null ? 1 : spec.parallelism();
    if (target.headlessService() != null) {
      // Indexed pods find each other (rank 0 first) through stable DNS names under this Service.
      objects.add(new ServiceBuilder()
          .withMetadata(metadata(target, target.headlessService()))
          .withNewSpec()
          .withClusterIP("None")
          .withSelector(target.selector())
          .withPublishNotReadyAddresses(true)
          .endSpec()
          .build());
    }
    var rules = new ArrayList<io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule>();
    // A pod evicted by a drain or a preemption did nothing wrong.
    rules.add(new PodFailurePolicyRuleBuilder().withAction("Ignore")
        .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition().build());
    if (target.tier().getSpec().gpu() != null) {
      // A pod whose GPU the node agent found faulty failed because of the GPU, not the application:
      // retry it elsewhere without spending the application's retries.
      rules.add(new PodFailurePolicyRuleBuilder().withAction("Ignore")
          .addNewOnPodCondition().withType(GPU_HEALTHY_GATE).withStatus("False").endOnPodCondition().build());
    }
    objects.add(new JobBuilder()
        .withMetadata(metadata(target, Names.of(name, "", Names.JOB)))
        .withNewSpec()
        .withCompletions(completions)
        .withParallelism(parallelism)
        .withCompletionMode(completions > 1 ? "Indexed" : "NonIndexed")
        .withBackoffLimit(3)
        .withNewPodFailurePolicy().withRules(rules).endPodFailurePolicy()
        .withTemplate(pod)
        .endSpec()
        .build());
  }

  private static ObjectMeta metadata(Target target, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(target.namespace())
        .withLabels(target.labels())
        .withAnnotations(target.annotations())
        .build();
  }
}

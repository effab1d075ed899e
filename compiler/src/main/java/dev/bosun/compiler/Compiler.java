package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Bosun compiler: {@code (Workload, Tier, Environment) -> objects}, a pure function with no
 * client calls, so that {@code bosun render} and the operator produce the same objects.
 */
public final class Compiler {
  private Compiler() {}

  /**
   * Compiles a Workload that names {@code tier}; {@code environment} may be null.
   *
   * @throws InvalidWorkloadException with every problem found, when the Workload breaks a rule
   */
  public static List<HasMetadata> compile(Workload workload, Tier tier, Environment environment) {
    List<FieldError> problems = new ArrayList<>(Rules.check(workload, tier, environment));
    Rules.checkTier(tier)
        .forEach(
            p ->
                problems.add(
                    new FieldError(
                        "spec.size",
                        "tier \"" + tier.getMetadata().getName() + "\" is invalid: " + p)));
    if (!problems.isEmpty()) {
      throw new InvalidWorkloadException(problems);
    }
    Target target = Target.of(workload, tier, environment);
    WorkloadSpec spec = workload.getSpec();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(
        withMetadata(
            new ServiceAccountBuilder().withAutomountServiceAccountToken(false).build(),
            metadata(target, target.serviceAccountName())));
    if (GpuClaims.usesDra(tier.getSpec().gpu())) {
      objects.add(
          GpuClaims.template(
              metadata(target, target.claimTemplateName()), target.labels(), tier.getSpec().gpu()));
    }
    objects.add(
        NetworkPolicies.build(
            metadata(target, Names.of(workload.getMetadata().getName(), "", Names.LABEL)), target));
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

    ServiceSpec service = new ServiceSpec();
    service.setType("ClusterIP");
    service.setSelector(target.selector());
    ServicePort port = new ServicePort();
    port.setName(PodTemplates.PORT_NAME);
    port.setProtocol("TCP");
    port.setPort(spec.port());
    port.setTargetPort(new IntOrString(PodTemplates.PORT_NAME));
    service.setPorts(List.of(port));
    objects.add(
        new Service(
            "v1", "Service", metadata(target, Names.of(name, "", Names.LABEL)), service, null));

    RollingUpdateDeployment rollingUpdate = new RollingUpdateDeployment();
    // A GPU rollout must not need a spare GPU: replace in place, one pod at a time.
    rollingUpdate.setMaxSurge(new IntOrString(gpu ? 0 : 1));
    rollingUpdate.setMaxUnavailable(new IntOrString(gpu ? 1 : 0));
    DeploymentSpec deployment = new DeploymentSpec();
    // With an autoscaler the replica count is the autoscaler's to set, not ours.
    deployment.setReplicas(autoscaled ? null : target.replicas());
    deployment.setRevisionHistoryLimit(5);
    deployment.setSelector(selector(target));
    deployment.setStrategy(new DeploymentStrategy(rollingUpdate, "RollingUpdate"));
    // Set, not passed to a builder: a builder would copy the whole pod template again.
    deployment.setTemplate(pod);
    objects.add(
        new Deployment(
            "apps/v1", "Deployment", metadata(target, deploymentName), deployment, null));

    PodDisruptionBudgetSpec budget = new PodDisruptionBudgetSpec();
    budget.setMaxUnavailable(new IntOrString(1));
    budget.setSelector(selector(target));
    // A pod that is not ready (a bad GPU, say) must never block a node's drain.
    budget.setUnhealthyPodEvictionPolicy("AlwaysAllow");
    objects.add(
        new PodDisruptionBudget(
            "policy/v1",
            "PodDisruptionBudget",
            metadata(target, Names.of(name, "", Names.LABEL)),
            budget,
            null));

    ScalingPlan.of(target.workload(), target.tier(), target.environment())
        .ifPresent(
            plan -> {
              ObjectMeta metadata = metadata(target, autoscalerName(target.workload()));
              if (plan.message() != null) {
                Map<String, String> annotations = new TreeMap<>(metadata.getAnnotations());
                annotations.put(Scaling.FALLBACK_ANNOTATION, plan.message());
                metadata.setAnnotations(annotations);
              }
              objects.add(Autoscalers.of(plan, metadata, deploymentName));
            });
  }

  /** The name of a Workload's HPA or ScaledObject. */
  public static String autoscalerName(Workload workload) {
    return Names.of(workload.getMetadata().getName(), "", Names.LABEL);
  }

  private static void addJob(Target target, PodTemplateSpec pod, List<HasMetadata> objects) {
    WorkloadSpec spec = target.workload().getSpec();
    String name = target.workload().getMetadata().getName();
    int completions = Target.completions(target.workload());
    int parallelism = spec.parallelism() == null ? 1 : spec.parallelism();
    if (target.headlessService() != null) {
      // Indexed pods find each other (rank 0 first) through stable DNS names under this Service.
      objects.add(
          withMetadata(
              new ServiceBuilder()
                  .withNewSpec()
                  .withClusterIP("None")
                  .withSelector(target.selector())
                  .withPublishNotReadyAddresses(true)
                  .endSpec()
                  .build(),
              metadata(target, target.headlessService())));
    }
    var rules = new ArrayList<PodFailurePolicyRule>();
    // A pod evicted by a drain or a preemption did nothing wrong.
    rules.add(
        new PodFailurePolicyRuleBuilder()
            .withAction("Ignore")
            .addNewOnPodCondition()
            .withType("DisruptionTarget")
            .withStatus("True")
            .endOnPodCondition()
            .build());
    if (target.tier().getSpec().gpu() != null) {
      // A pod whose GPU the node agent found faulty failed because of the GPU, not the application:
      // retry it elsewhere without spending the application's retries.
      rules.add(
          new PodFailurePolicyRuleBuilder()
              .withAction("Ignore")
              .addNewOnPodCondition()
              .withType(ConditionTypes.GPU_HEALTHY_GATE)
              .withStatus("False")
              .endOnPodCondition()
              .build());
    }
    JobSpec job = new JobSpec();
    job.setCompletions(completions);
    job.setParallelism(parallelism);
    job.setCompletionMode(completions > 1 ? "Indexed" : "NonIndexed");
    job.setBackoffLimit(3);
    job.setPodFailurePolicy(new PodFailurePolicy(rules));
    job.setTemplate(pod);
    objects.add(
        new Job("batch/v1", "Job", metadata(target, Names.of(name, "", Names.JOB)), job, null));
  }

  private static LabelSelector selector(Target target) {
    LabelSelector selector = new LabelSelector();
    selector.setMatchLabels(target.selector());
    return selector;
  }

  /** Sets metadata on a built object: handing it to a builder would copy it. */
  private static <T extends HasMetadata> T withMetadata(T object, ObjectMeta metadata) {
    object.setMetadata(metadata);
    return object;
  }

  private static ObjectMeta metadata(Target target, String name) {
    ObjectMeta metadata = new ObjectMeta();
    metadata.setName(name);
    metadata.setNamespace(target.namespace());
    metadata.setLabels(target.labels());
    metadata.setAnnotations(target.annotations());
    return metadata;
  }
}

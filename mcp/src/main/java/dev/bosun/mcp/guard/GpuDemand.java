package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.operator.Conditions;
import java.util.List;

/**
 * The GPUs a Workload holds, from its Tier's GPUs per pod and its pods.
 *
 * <p>{@link #reserved} counts the most pods (the top of the replica range, or the parallelism): the
 * autoscaler may reach it without the agent asking again, so the concurrent budget must cover it.
 * {@link #running} counts the pods asked for now (the Deployment's replicas, a Job's parallelism
 * until it ends): what the GPU-hours ledger charges.
 */
public final class GpuDemand {
  private GpuDemand() {}

  public static int perPod(Tier tier) {
    return tier == null || tier.getSpec() == null || tier.getSpec().gpu() == null
        ? 0
        : tier.getSpec().gpu().count();
  }

  /** GPUs at the most pods the spec allows. */
  public static int reserved(WorkloadSpec spec, Tier tier) {
    return perPod(tier) * (serving(spec) ? replicasMax(spec) : parallelism(spec));
  }

  /** GPUs the Workload's pods hold now, as far as its status tells. */
  public static int running(Workload workload, Tier tier) {
    WorkloadSpec spec = workload.getSpec();
    var status = workload.getStatus();
    if (serving(spec)) {
      int pods =
          status != null && status.desiredReplicas() != null
              ? status.desiredReplicas()
              : spec.replicas() == null ? 1 : spec.replicas().min();
      return perPod(tier) * pods;
    }
    boolean ended =
        status != null
            && (Conditions.isTrue(status.conditions(), ConditionTypes.READY)
                || jobFailed(status.conditions()));
    return ended ? 0 : perPod(tier) * parallelism(spec);
  }

  private static boolean jobFailed(List<Condition> conditions) {
    var degraded = Conditions.find(conditions, ConditionTypes.DEGRADED);
    return degraded != null
        && "True".equals(degraded.status())
        && Reasons.JOB_FAILED.equals(degraded.reason());
  }

  private static boolean serving(WorkloadSpec spec) {
    return spec.type() == WorkloadType.Service || spec.type() == WorkloadType.Inference;
  }

  private static int replicasMax(WorkloadSpec spec) {
    return spec.replicas() == null ? 1 : spec.replicas().max();
  }

  private static int parallelism(WorkloadSpec spec) {
    return spec.parallelism() == null ? 1 : spec.parallelism();
  }
}

package dev.bosun.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import java.util.List;

/**
 * Every kind the compiler can make. Pruning looks only here: a kind missing from this list would
 * leave orphans behind when the compiler stops making it, so a test keeps it in step with the
 * compiler.
 */
public final class ChildKinds {
  public static final List<Class<? extends HasMetadata>> ALL =
      List.of(
          ServiceAccount.class,
          ResourceClaimTemplate.class,
          NetworkPolicy.class,
          Service.class,
          Deployment.class,
          Job.class,
          PodDisruptionBudget.class,
          HorizontalPodAutoscaler.class);

  private ChildKinds() {}

  /** {@code apiVersion/kind/name}: what identifies a child within its Workload's namespace. */
  public static String key(HasMetadata object) {
    return HasMetadata.getApiVersion(object.getClass())
        + "/"
        + object.getKind()
        + "/"
        + object.getMetadata().getName();
  }
}

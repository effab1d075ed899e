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
 * Every kind the compiler can make: where the tests look for a Workload's children. {@link
 * ChildKindsTest} keeps it in step with the compiler, and {@link RbacIT} with the operator's rules.
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
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimStatusBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the operator's informers keep of each watched object: the fields the reconcilers read, and
 * no more. With thousands of Workloads the caches are most of the heap, and most of a cached Pod or
 * Job (its pod template, its container statuses, the managed fields of every writer) is never read.
 * Whoever starts reading another field of a cached object adds it here.
 *
 * <p>The shapes change the object they are given: an informer hands every watched object to its
 * store before anything else sees it, and keeps only what the store returns.
 */
final class CachedShapes {
  private CachedShapes() {}

  /**
   * An informer store that keeps each object in the given shape, its repeated values shared with
   * the other cached objects ({@link SharedValues}).
   */
  static <R extends HasMetadata> ItemStore<R> store(UnaryOperator<R> shape) {
    return new TransformingItemStore<>(object -> SharedValues.share(shape.apply(object)));
  }

  /**
   * Every field but {@code metadata.managedFields}: for Workloads and Sandboxes, which their
   * reconcilers read whole.
   */
  static <R extends HasMetadata> R withoutManagedFields(R object) {
    object.getMetadata().setManagedFields(null);
    return object;
  }

  /**
   * Metadata (the Workload annotation, deletion timestamp), the node, the readiness gates, the
   * phase, the conditions, the names of the ResourceClaims and the IP: what the GPU readiness gate,
   * the pending-pod reasons and a Sandbox's status (where the router sends requests) need.
   */
  static Pod pod(Pod pod) {
    withoutManagedFields(pod);
    var spec = pod.getSpec();
    pod.setSpec(
        spec == null
            ? null
            : new PodSpecBuilder()
                .withNodeName(spec.getNodeName())
                .withReadinessGates(spec.getReadinessGates())
                .build());
    var status = pod.getStatus();
    pod.setStatus(
        status == null
            ? null
            : new PodStatusBuilder()
                .withPhase(status.getPhase())
                .withConditions(status.getConditions())
                .withResourceClaimStatuses(status.getResourceClaimStatuses())
                .withPodIP(status.getPodIP())
                .build());
    return pod;
  }

  /** Metadata, the replica count and the status: the pod template is the compiler's, not news. */
  static Deployment deployment(Deployment deployment) {
    withoutManagedFields(deployment);
    var spec = deployment.getSpec();
    deployment.setSpec(
        spec == null ? null : new DeploymentSpecBuilder().withReplicas(spec.getReplicas()).build());
    return deployment;
  }

  /**
   * Metadata and the allocation: which devices of which pool a GPU pod holds, read when its node
   * reports a fault.
   */
  static ResourceClaim claim(ResourceClaim claim) {
    withoutManagedFields(claim);
    claim.setSpec(null);
    var status = claim.getStatus();
    claim.setStatus(
        status == null
            ? null
            : new ResourceClaimStatusBuilder().withAllocation(status.getAllocation()).build());
    return claim;
  }

  /** Metadata and the status of an autoscaler: the signal it read, replicas, its conditions. */
  static HorizontalPodAutoscaler autoscaler(HorizontalPodAutoscaler autoscaler) {
    withoutManagedFields(autoscaler);
    autoscaler.setSpec(null);
    return autoscaler;
  }

  /** Metadata, the completion count and the status. */
  static Job job(Job job) {
    withoutManagedFields(job);
    var spec = job.getSpec();
    job.setSpec(
        spec == null ? null : new JobSpecBuilder().withCompletions(spec.getCompletions()).build());
    return job;
  }

  /**
   * Of a Sandbox, for the warm pools and claims ({@link SandboxFacts}): its metadata (annotations
   * included: a claim's patch must know whether there are any), no spec, and of its status only the
   * Ready condition.
   */
  static Sandbox sandboxFacts(Sandbox sandbox) {
    withoutManagedFields(sandbox);
    sandbox.setSpec(null);
    var status = sandbox.getStatus();
    if (status != null) {
      var ready = Conditions.find(status.conditions(), ConditionTypes.READY);
      sandbox.setStatus(
          new SandboxStatus(
              null,
              ready == null ? null : List.of(ready),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null));
    }
    return sandbox;
  }
}

package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.Workload;
import java.time.Duration;
import java.util.List;

/**
 * The Workloads and their Ready pods as the router sees them: {@link WorkloadPods} in production.
 */
public interface WorkloadLookup {
  /** Whether both the Workloads and their pods are listed. */
  boolean synced();

  /** The Workload, or null. */
  Workload workload(WorkloadKey key);

  /** The Ready pods' addresses; empty when none. */
  List<PodAddress> ready(WorkloadKey key);

  /** The Ready pods once there is one, or none when {@code within} runs out first. */
  List<PodAddress> awaitReady(WorkloadKey key, Duration within) throws InterruptedException;
}

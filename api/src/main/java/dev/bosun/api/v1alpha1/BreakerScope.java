package dev.bosun.api.v1alpha1;

/** What the circuit breaker counts, and what a percentage of maxQuarantined is a share of. */
public enum BreakerScope {
  /** GPU nodes: a node with one quarantined GPU counts once. */
  GpuNodes,
  /** Single GPUs. */
  Gpus
}

package dev.bosun.api.v1alpha1;

/**
 * The types of the conditions Bosun writes, on its own objects and on the Nodes and pods it looks
 * after. The reasons they carry are in {@link Reasons}.
 */
public final class ConditionTypes {
  /**
   * On a Workload, an Environment, a Sandbox (its pod serves), a SandboxClaim (its sandbox is
   * ready), a SandboxWarmPool (full) and a SandboxTemplate (usable): whether it does what its spec
   * asks, now.
   */
  public static final String READY = "Ready";

  /** On a Workload: whether a rollout or a run is under way and moving. */
  public static final String PROGRESSING = "Progressing";

  /** On a Workload and an Environment: True when something blocks it that a human must act on. */
  public static final String DEGRADED = "Degraded";

  /**
   * On a GPU Node and in its GpuNodeHealth, with the same status and reason, set by the node agent:
   * whether the node's GPUs can serve.
   */
  public static final String GPU_HEALTHY = "GpuHealthy";

  /** On a GPU pod, as its readiness gate: the pod is Ready only once Bosun vouches for its GPUs. */
  public static final String GPU_HEALTHY_GATE = "bosun.dev/gpu-healthy";

  /**
   * On a GpuHealthPolicy, set by the operator: True while it quarantines nothing more because the
   * circuit breaker's budget is spent, until a person resets it.
   */
  public static final String BREAKER_TRIPPED = "BreakerTripped";

  /** On a Sandbox: True while its pod is gone and its volume and name are kept. */
  public static final String SUSPENDED = "Suspended";

  /** On a Sandbox: True once its TTL ran out and the shutdown policy retained it. */
  public static final String EXPIRED = "Expired";

  /**
   * On an autoscaled Workload: whether its autoscaler reads the signal the tier chose and scales on
   * it. False says why not (the cluster lacks what the tier asks for, KEDA is not installed or
   * cannot read the signal); replicas then stay where they are.
   */
  public static final String SCALING_ACTIVE = "ScalingActive";

  /**
   * On a DeploymentAgentPolicy, set by the MCP server: True while its agents may deploy nothing
   * more that asks for GPUs (the concurrent GPUs or the day's GPU-hours are spent).
   */
  public static final String GPU_BUDGET_EXHAUSTED = "GpuBudgetExhausted";

  private ConditionTypes() {}
}

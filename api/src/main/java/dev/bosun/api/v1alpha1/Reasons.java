package dev.bosun.api.v1alpha1;

/**
 * The reasons of the conditions in {@link ConditionTypes}: one CamelCase word that a program can
 * match on, beside the message a human reads. Grouped by the condition that carries them; one
 * reason may serve several.
 */
public final class Reasons {
  // Ready of a Workload.

  /** Ready: a serving Workload has all its replicas of the current version ready. */
  public static final String REPLICAS_READY = "ReplicasReady";

  /** Ready is False: a serving Workload has fewer ready replicas of its current version. */
  public static final String REPLICAS_NOT_READY = "ReplicasNotReady";

  /** Ready: a Training or Batch Workload's Job completed. */
  public static final String SUCCEEDED = "Succeeded";

  /** Ready is False: a Training or Batch Workload's Job has not finished yet. */
  public static final String RUNNING = "Running";

  /** Ready is False: a Training or Batch Workload's Job failed. */
  public static final String FAILED = "Failed";

  /** Ready is False: a Workload has no Deployment or Job yet, and nothing says why. */
  public static final String NOT_READY = "NotReady";

  // Ready of an Environment.

  /** Ready: an Environment's namespace, quota, limits and network policy are applied. */
  public static final String APPLIED = "Applied";

  // Progressing of a Workload.

  /** Progressing: replicas are being replaced or started, or a Job is running. */
  public static final String ROLLING_OUT = "RollingOut";

  /** Progressing is False: a rollout would go on but something Degraded names stops it. */
  public static final String BLOCKED = "Blocked";

  /** Progressing is False: nothing is left to do for the current spec. */
  public static final String COMPLETE = "Complete";

  // Degraded of a Workload or an Environment: the reason names what to fix.

  /** Degraded is False: nothing is wrong (Workloads and Environments). */
  public static final String AS_EXPECTED = "AsExpected";

  /** Degraded: the Workload's size names a Tier that does not exist. */
  public static final String TIER_NOT_FOUND = "TierNotFound";

  /**
   * Degraded: the Workload breaks a rule of its Tier or Environment; the message names the field.
   */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** Degraded: the scheduler cannot place a pod; the message is the scheduler's. */
  public static final String UNSCHEDULABLE = "Unschedulable";

  /** Degraded: a quota of the namespace refuses a pod or a ResourceClaim. */
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";

  /** Degraded: a Training or Batch Workload's Job failed; the message is the Job's. */
  public static final String JOB_FAILED = "JobFailed";

  /** Degraded: the operator could not apply the objects (Workloads and Environments). */
  public static final String APPLY_FAILED = "ApplyFailed";

  /** Degraded: pods cannot be created for a reason other than quota, such as admission. */
  public static final String FAILED_CREATE = "FailedCreate";

  // GpuHealthy of a Node and its GpuNodeHealth, written by the node agent.

  /** GpuHealthy: every GPU of the node is healthy. */
  public static final String GPUS_HEALTHY = "GpusHealthy";

  /** GpuHealthy, still True: some GPUs are slowed down (heat, power) but not broken. */
  public static final String GPUS_DEGRADED = "GpusDegraded";

  /** GpuHealthy is False: at least one GPU is unhealthy; the message names it. */
  public static final String GPU_UNHEALTHY = "GpuUnhealthy";

  /** GpuHealthy is Unknown: the agent finds no GPU on the node, or cannot read its GPU source. */
  public static final String NO_GPUS = "NoGpus";

  // The GPU readiness gate of a pod.

  // The gate is True with GPUS_HEALTHY when the node agent reports the pod's GPUs healthy or
  // degraded; False with GPU_UNHEALTHY when one of them is unhealthy or gone, the message naming
  // it.

  /**
   * The gate is False: the node's GpuHealthy condition is False and which GPUs the pod holds is not
   * known (its ResourceClaims are not allocated or cannot be read).
   */
  public static final String NODE_GPU_UNHEALTHY = "NodeGpuUnhealthy";

  /**
   * The gate is True: no node agent reports the node's GPUs, so they are assumed healthy; clusters
   * without the agent still serve.
   */
  public static final String NO_GPU_HEALTH_REPORTED = "NoGpuHealthReported";

  // BreakerTripped of a GpuHealthPolicy, written by the operator; GpuBudgetExhausted of a
  // DeploymentAgentPolicy, written by the MCP server.

  /**
   * BreakerTripped is False: quarantines within the window stay within maxQuarantined.
   * GpuBudgetExhausted is False: the agents' GPUs and GPU-hours are within the policy's budget.
   */
  public static final String WITHIN_BUDGET = "WithinBudget";

  /**
   * BreakerTripped: one more quarantine would exceed maxQuarantined within the window; the message
   * names the count, the budget and the fault that tripped it. GpuBudgetExhausted: the agents hold
   * their concurrent GPUs or used the day's GPU-hours; the message gives the numbers.
   */
  public static final String BUDGET_EXCEEDED = "BudgetExceeded";

  // Sandboxes, their templates, claims and warm pools.

  /** Ready: a Sandbox's pod is ready; a template's tier exists. */
  public static final String SANDBOX_READY = "SandboxReady";

  /** Ready is False: a Sandbox's pod is being created, scheduled or started. */
  public static final String POD_STARTING = "PodStarting";

  /** Ready is False: the Sandbox, claim or pool names a SandboxTemplate that does not exist. */
  public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";

  /** Ready is False, Suspended True: someone (a person, the CLI) suspended the sandbox. */
  public static final String SUSPENDED_BY_REQUEST = "SuspendedByRequest";

  /** Ready is False, Suspended True: nobody used the sandbox for its idle timeout. */
  public static final String IDLE_TIMEOUT = "IdleTimeout";

  /** Ready is False, Expired True: the TTL ran out and the shutdown policy is Retain. */
  public static final String TTL_EXPIRED = "TtlExpired";

  /** Suspended is False, Expired is False: the sandbox runs, the TTL has not run out. */
  public static final String ACTIVE = "Active";

  /** Ready of a claim: it took a ready sandbox from a warm pool. */
  public static final String CLAIMED_FROM_WARM_POOL = "ClaimedFromWarmPool";

  /** Ready of a claim, False until its sandbox is ready: no warm sandbox fitted, one was made. */
  public static final String COLD_STARTED = "ColdStarted";

  /** Ready of a claim is False: its sandbox is not ready yet. */
  public static final String SANDBOX_NOT_READY = "SandboxNotReady";

  /** A cold start's reason: no warm pool of the template in the namespace. */
  public static final String NO_WARM_POOL = "NoWarmPool";

  /** A cold start's reason: the pool had no ready sandbox to give. */
  public static final String WARM_POOL_EMPTY = "WarmPoolEmpty";

  /** A cold start's reason: the claim sets env, which a warm sandbox did not start with. */
  public static final String ENV_DIFFERS = "EnvDiffers";

  /** Ready of a warm pool: it holds as many ready sandboxes as asked. */
  public static final String POOL_FULL = "PoolFull";

  /** Ready of a warm pool is False: sandboxes are starting to refill it. */
  public static final String POOL_FILLING = "PoolFilling";

  // ScalingActive of an autoscaled Workload.

  /** ScalingActive: the autoscaler reads the signal and scales on it. */
  public static final String SIGNAL_READ = "SignalRead";

  /**
   * ScalingActive: the Workload is at zero replicas, where its tier let it go when idle; KEDA wakes
   * it on demand.
   */
  public static final String SCALED_TO_ZERO = "ScaledToZero";

  /** ScalingActive is False: the autoscaler has not yet read the signal once. */
  public static final String SIGNAL_PENDING = "SignalPending";

  /**
   * ScalingActive is False: the autoscaler cannot read the signal (the scaler or the metrics
   * adapter is down); replicas stay where they are. The message is the autoscaler's.
   */
  public static final String SIGNAL_UNAVAILABLE = "SignalUnavailable";

  /**
   * ScalingActive is False: the tier asks for what the Environment says the cluster lacks (KEDA or
   * an external-metrics adapter), so the Workload scales on a fallback; the message says what.
   */
  public static final String ENGINE_MISSING = "EngineMissing";

  /** ScalingActive is False: the Environment says KEDA, but its ScaledObject kind is not served. */
  public static final String KEDA_NOT_INSTALLED = "KedaNotInstalled";

  // Events of the MCP server, one per tool call of a deployment agent (in the server's namespace,
  // about the agent's DeploymentAgentPolicy or ServiceAccount); the message names the agent, the
  // tool, its arguments (shortened) and the outcome.

  /** A tool call went through (read-only tools, and writes the guardrails allowed). */
  public static final String AGENT_CALL_ALLOWED = "AgentCallAllowed";

  /** A write was checked and reported, not made: the session or the policy is in dry run. */
  public static final String AGENT_CALL_DRY_RUN = "AgentCallDryRun";

  /** A guardrail refused a tool call; the message names the rule and how a person allows it. */
  public static final String AGENT_CALL_REFUSED = "AgentCallRefused";

  /** A tool call failed: bad arguments, or the cluster refused it (RBAC, admission, quota). */
  public static final String AGENT_CALL_FAILED = "AgentCallFailed";

  private Reasons() {}
}

package dev.bosun.api.v1alpha1;

/**
 * How Bosun marks what it took out of service, so that the state of a quarantine lives in the API
 * server (an operator restart forgets nothing) and other tools can find it: a GPU by a {@code
 * DeviceTaintRule} selecting it, a node by a taint. The Event reasons of every action and refusal
 * are here too.
 */
public final class GpuQuarantine {
  /** The taint key, on a DeviceTaintRule's taint and on a Node; the value is the fault class. */
  public static final String TAINT_KEY = "bosun.dev/gpu-unhealthy";

  /** DeviceTaintRule: cluster-scoped, in this API version on Kubernetes 1.36. */
  public static final String RULE_API_VERSION = "resource.k8s.io/v1beta2";

  public static final String RULE_KIND = "DeviceTaintRule";

  /** A GPU's rule is named {@code bosun-gpu-<node>-<device>}. */
  public static final String RULE_PREFIX = "bosun-gpu-";

  /** The NVIDIA DRA driver, whose pool is named after the node. */
  public static final String DRIVER = "gpu.nvidia.com";

  /** On every rule: {@code app.kubernetes.io/managed-by: bosun}. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String MANAGER = "bosun";

  /** On a rule: the node of the GPU. */
  public static final String NODE_LABEL = "bosun.dev/node";

  /** On a quarantined Node, so that the operator watches only those: {@code "true"}. */
  public static final String QUARANTINED_LABEL = "bosun.dev/gpu-quarantined";

  /**
   * On a rule or a quarantined Node: when the quarantine began (RFC 3339); the circuit breaker
   * counts quarantines begun within its window.
   */
  public static final String QUARANTINED_AT = "bosun.dev/quarantined-at";

  /**
   * On the GpuHealthPolicy, written by {@code bosun gpu breaker reset}: when a person reset the
   * tripped circuit breaker (RFC 3339). The operator, which alone writes the status, honours it.
   */
  public static final String BREAKER_RESET_AT = "bosun.dev/breaker-reset-at";

  // Event reasons, on the Node.

  /** A GPU was quarantined: a DeviceTaintRule selects it. */
  public static final String GPU_QUARANTINED = "GpuQuarantined";

  /** A node was quarantined: it carries the taint. */
  public static final String NODE_QUARANTINED = "NodeQuarantined";

  /** The policy's effect changed: a quarantine held now has the new one. */
  public static final String QUARANTINE_EFFECT_CHANGED = "QuarantineEffectChanged";

  /** A GPU or node stayed healthy for the recovery delay and was given back. */
  public static final String QUARANTINE_RELEASED = "QuarantineReleased";

  /** A quarantine was not made because the circuit breaker is open. */
  public static final String REFUSED_BREAKER_OPEN = "QuarantineRefusedBreakerOpen";

  /** The policy is in dry run: this quarantine (or release) would have been made. */
  public static final String DRY_RUN = "QuarantineDryRun";

  /** A fault whose class the policy only reports. */
  public static final String FAULT_REPORTED = "GpuFaultReported";

  private GpuQuarantine() {}

  /** The name of the rule of one device, within the 253 characters of a name. */
  public static String ruleName(String node, String device) {
    String name = RULE_PREFIX + node + "-" + device;
    if (name.length() <= 253) {
      return name;
    }
    String hash = Integer.toHexString(name.hashCode());
    return name.substring(0, 253 - hash.length() - 1) + "-" + hash;
  }
}

package dev.bosun.api.v1alpha1;

/**
 * The node agent's DaemonSet as {@code deploy/agent/} ships it: what the push scaler and the local
 * cluster's simulated fleet find its pods by, and where they serve {@code /metrics}.
 */
public final class NodeAgents {
  private NodeAgents() {}

  /** The agents' namespace. */
  public static final String NAMESPACE = "bosun-node";

  /** The label every agent pod carries, with the value {@link #NAME}. */
  public static final String NAME_LABEL = "app.kubernetes.io/name";

  public static final String NAME = "bosun-agent";

  /** The container port the agent serves {@code /metrics} on. */
  public static final String METRICS_PORT_NAME = "metrics";

  /** The agent's port, and the one assumed when no container port is so named: dcgm-exporter's. */
  public static final int METRICS_PORT = 9400;
}

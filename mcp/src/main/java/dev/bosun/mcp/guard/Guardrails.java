package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Optional;

/**
 * What an MCP session may do, decided by the server before it touches the cluster and by the
 * cluster when it does: the session's {@link AgentIdentity}, its DeploymentAgentPolicy, its GPU
 * budget, and a client that impersonates the agent, so RBAC has the final word. Every tool call is
 * audited, allowed or not.
 */
public interface Guardrails {

  /** Who the session acts for. */
  AgentIdentity agent();

  /** Whether writes are only checked and reported, never made (the policy's or the server's). */
  boolean dryRun();

  /** A client that impersonates {@link #agent()}: whatever the policy allows, RBAC may refuse. */
  KubernetesClient agentClient();

  /**
   * Whether the agent may deploy {@code workload}, compiled for {@code tier}, to the Environment.
   */
  Verdict mayDeploy(Workload workload, Tier tier, String environment);

  /** Whether the agent may promote the Workload between the two Environments. */
  Verdict mayPromote(String workload, String from, String to);

  /** Whether the agent may create, suspend, resume or delete sandboxes in the namespace. */
  Verdict mayManageSandboxes(String namespace);

  /**
   * The Workload as the agent deploys it: labelled with the DeploymentAgentPolicy it is deployed
   * under and annotated with the agent, so that the policy's GPU budget counts it. The server
   * deploys what this returns; an implementation that keeps no budget returns the Workload as is.
   */
  default Workload attributed(Workload workload) {
    return workload;
  }

  /**
   * The refusal to report when the cluster refused a call made with {@link #agentClient()} because
   * the agent's RBAC does not allow it (403): it names RBAC and the Role to grant. Empty for any
   * other failure.
   */
  default Optional<Verdict.Refused> refusalOf(KubernetesClientException e) {
    String said =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return RbacRefusal.of(agent(), e.getCode(), said);
  }

  /**
   * Records a tool call with the agent's identity (an Event), whatever its outcome: {@code outcome}
   * is one line, such as "allowed", "refused: ..." or "failed: ...".
   */
  void audit(String tool, Map<String, Object> arguments, String outcome);
}

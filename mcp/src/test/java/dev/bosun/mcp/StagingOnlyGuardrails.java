package dev.bosun.mcp;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.mcp.guard.AgentIdentity;
import dev.bosun.mcp.guard.Guardrails;
import dev.bosun.mcp.guard.Verdict;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The unit tests' guardrails: deploys only to staging, manages sandboxes nowhere, has no cluster (a
 * tool that reaches for one fails the test), and keeps its audit records.
 */
final class StagingOnlyGuardrails implements Guardrails {
  record Audit(String tool, Map<String, Object> arguments, String outcome) {}

  static final String RULE = "test policy spec.environments";

  private final AgentIdentity agent;
  final List<Audit> audits = new CopyOnWriteArrayList<>();

  StagingOnlyGuardrails(AgentIdentity agent) {
    this.agent = agent;
  }

  /**
   * A server whose sessions act under these guardrails, one per agent kept in {@code byAgent}, with
   * the default tier catalog and no router.
   */
  static BosunMcpServer server(Map<AgentIdentity, StagingOnlyGuardrails> byAgent) {
    return new BosunMcpServer(
        new BosunMcpServer.Settings(
            Sessions.perRequest(
                agent -> byAgent.computeIfAbsent(agent, StagingOnlyGuardrails::new)),
            false,
            guardrails -> TierCatalog.defaults(),
            "test",
            null));
  }

  @Override
  public AgentIdentity agent() {
    return agent;
  }

  @Override
  public boolean dryRun() {
    return false;
  }

  @Override
  public KubernetesClient agentClient() {
    throw new IllegalStateException("the unit tests have no cluster");
  }

  @Override
  public Verdict mayDeploy(Workload workload, Tier tier, String environment) {
    return environment.equals("staging")
        ? Verdict.ALLOWED
        : new Verdict.Refused(
            RULE,
            agent.user() + " may deploy to staging only",
            "add " + environment + " to the policy");
  }

  @Override
  public Verdict mayPromote(String workload, String from, String to) {
    return to.equals("staging")
        ? Verdict.ALLOWED
        : new Verdict.Refused(RULE, "staging only", "add " + to);
  }

  @Override
  public Verdict mayManageSandboxes(String namespace) {
    return new Verdict.Refused("test policy spec.sandboxes", "no sandboxes", "allow them");
  }

  @Override
  public void audit(String tool, Map<String, Object> arguments, String outcome) {
    audits.add(new Audit(tool, arguments, outcome));
  }
}

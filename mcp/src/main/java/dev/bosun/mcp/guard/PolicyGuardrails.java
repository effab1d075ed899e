package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.operator.client.WatchCache;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardrails of one MCP session, from the cluster: the DeploymentAgentPolicy that names the
 * agent (read on every decision, so an edit applies at once), its GPU ledger (in the policy's
 * status, so a restarted server continues it), a client that impersonates the agent, and one Event
 * per tool call. The decisions themselves are {@link AgentPolicyDecision}'s.
 *
 * <p>The server's own client reads policies, Environments, Tiers and Workloads, writes the ledger
 * and the Events; everything the agent asks for goes through {@link #agentClient()}.
 */
public final class PolicyGuardrails implements Guardrails, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyGuardrails.class);

  /** The reporting component of the audit Events. */
  static final String COMPONENT = "bosun-mcp";

  /**
   * Where the audit Events go: they are about a cluster-scoped DeploymentAgentPolicy, and the API
   * server keeps Events of cluster-scoped objects in default (as the kubelet's of Nodes).
   */
  public static final String EVENTS_NAMESPACE = "default";

  private final KubernetesClient server;
  private final AgentIdentity agent;
  private final boolean sessionDryRun;
  private final Clock clock;
  private KubernetesClient agentClient;

  PolicyGuardrails(KubernetesClient server, AgentIdentity agent, boolean dryRun, Clock clock) {
    this.server = server;
    this.agent = agent;
    this.sessionDryRun = dryRun;
    this.clock = clock;
  }

  /**
   * The guardrails of a session that acts for {@code agent}.
   *
   * @param server the server's own client (its ServiceAccount): reads policies, writes the ledger
   *     and the audit Events, impersonates the agent
   * @param dryRun whether the session only checks and reports writes (the policy may also ask)
   */
  public static PolicyGuardrails forSession(
      KubernetesClient server, AgentIdentity agent, boolean dryRun) {
    return new PolicyGuardrails(server, agent, dryRun, Clock.systemUTC());
  }

  /** The same, with time from {@code clock} (the GPU ledger's, the Events'). */
  public static PolicyGuardrails forSession(
      KubernetesClient server, AgentIdentity agent, boolean dryRun, Clock clock) {
    return new PolicyGuardrails(server, agent, dryRun, clock);
  }

  @Override
  public AgentIdentity agent() {
    return agent;
  }

  @Override
  public boolean dryRun() {
    return sessionDryRun
        || naming().stream().anyMatch(policy -> policy.getSpec().dryRunOrDefault());
  }

  @Override
  public synchronized KubernetesClient agentClient() {
    if (agentClient == null) {
      var config =
          new ConfigBuilder(server.getConfiguration()).withImpersonateUsername(agent.user());
      // A ServiceAccount's groups are added by the API server when none are named, and naming
      // them would need the right to impersonate groups too.
      if (!agent.groups().isEmpty()) {
        config.withImpersonateGroups(agent.groups().toArray(String[]::new));
      }
      agentClient = new KubernetesClientBuilder().withConfig(config.build()).build();
    }
    return agentClient;
  }

  @Override
  public Verdict mayDeploy(Workload workload, Tier tier, String environment) {
    List<DeploymentAgentPolicy> naming = naming();
    Environment target = server.resources(Environment.class).withName(environment).get();
    var request =
        new AgentPolicyDecision.DeployRequest(
            workload.getMetadata().getName(),
            environment,
            target == null ? null : target.getSpec().promotesFrom(),
            workload.getSpec().size(),
            GpuDemand.reserved(workload.getSpec(), tier));
    var usage =
        naming.size() == 1 && request.gpus() > 0
            ? new GpuLedgers(server, clock)
                .usage(
                    naming.getFirst(),
                    workload.getMetadata().getName(),
                    target == null ? null : target.getSpec().namespace())
            : AgentPolicyDecision.Usage.NONE;
    return AgentPolicyDecision.deploy(agent.user(), naming, request, usage);
  }

  @Override
  public Verdict mayPromote(String workload, String from, String to) {
    return AgentPolicyDecision.promote(agent.user(), naming(), workload, from, to);
  }

  @Override
  public Verdict mayManageSandboxes(String namespace) {
    List<Environment> environments =
        server.resources(Environment.class).list(WatchCache.asItStands()).getItems();
    Map<String, String> namespaces =
        environments.stream()
            .collect(
                Collectors.toMap(e -> e.getMetadata().getName(), e -> e.getSpec().namespace()));
    List<String> promotedInto =
        environments.stream()
            .filter(e -> e.getSpec().promotesFrom() != null)
            .map(e -> e.getMetadata().getName())
            .toList();
    return AgentPolicyDecision.sandboxes(
        agent.user(), naming(), namespace, namespaces, promotedInto);
  }

  @Override
  public Workload attributed(Workload workload) {
    List<DeploymentAgentPolicy> naming = naming();
    Workload copy = new KubernetesSerialization().clone(workload);
    var metadata = copy.getMetadata();
    Map<String, String> annotations =
        new HashMap<>(Objects.requireNonNullElse(metadata.getAnnotations(), Map.of()));
    annotations.put(DeploymentAgentPolicy.AGENT_ANNOTATION, agent.user());
    metadata.setAnnotations(annotations);
    if (naming.size() == 1) {
      Map<String, String> labels =
          new HashMap<>(Objects.requireNonNullElse(metadata.getLabels(), Map.of()));
      labels.put(DeploymentAgentPolicy.POLICY_LABEL, naming.getFirst().getMetadata().getName());
      metadata.setLabels(labels);
    }
    return copy;
  }

  @Override
  public void audit(String tool, Map<String, Object> arguments, String outcome) {
    try {
      AuditRecord record = AuditRecord.of(agent, tool, arguments, outcome);
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      var event =
          new EventBuilder()
              .withNewMetadata()
              .withGenerateName(COMPONENT + "-")
              .withNamespace(EVENTS_NAMESPACE)
              .addToAnnotations(DeploymentAgentPolicy.AGENT_ANNOTATION, agent.user())
              .endMetadata()
              .withInvolvedObject(involvedObject())
              .withReason(record.reason())
              .withType(record.warning() ? "Warning" : "Normal")
              .withMessage(record.message())
              .withAction(tool)
              .withNewSource()
              .withComponent(COMPONENT)
              .endSource()
              .withFirstTimestamp(now.toString())
              .withLastTimestamp(now.toString())
              .withCount(1)
              .build();
      server.v1().events().inNamespace(EVENTS_NAMESPACE).resource(event).create();
    } catch (RuntimeException e) {
      // An audit that cannot be written must not fail the call it records; the log keeps it.
      LOG.warn(
          "audit Event not written for agent {} tool {} ({}): {}",
          agent.user(),
          tool,
          outcome,
          e.toString());
    }
  }

  /**
   * The agent's policy; when none names it, the kind alone, so that {@code kubectl get events -n
   * default --field-selector involvedObject.kind=DeploymentAgentPolicy} lists every agent's calls.
   */
  private ObjectReference involvedObject() {
    List<DeploymentAgentPolicy> naming = naming();
    var reference =
        new ObjectReferenceBuilder()
            .withApiVersion(HasMetadata.getApiVersion(DeploymentAgentPolicy.class))
            .withKind(HasMetadata.getKind(DeploymentAgentPolicy.class));
    if (naming.size() == 1) {
      var policy = naming.getFirst().getMetadata();
      reference.withName(policy.getName()).withUid(policy.getUid());
    }
    return reference.build();
  }

  /** The policies that name the agent, read now. */
  private List<DeploymentAgentPolicy> naming() {
    return AgentPolicyDecision.naming(
        agent.user(),
        server.resources(DeploymentAgentPolicy.class).list(WatchCache.asItStands()).getItems());
  }

  @Override
  public synchronized void close() {
    if (agentClient != null) {
      agentClient.close();
      agentClient = null;
    }
  }
}

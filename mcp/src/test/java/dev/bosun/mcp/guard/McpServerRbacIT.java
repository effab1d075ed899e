package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import dev.bosun.testkit.TokenClients;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MCP server's RBAC as deploy/ ships it is enough for the guardrails and no more: with only its
 * own ServiceAccount's rights the server reads the default policy, keeps its GPU ledger, writes
 * audit Events and impersonates the default agent, and it may impersonate nobody else nor write
 * Workloads itself.
 */
@ExtendWith(LocalClusterExtension.class)
class McpServerRbacIT {
  private static final AgentIdentity DEFAULT_AGENT =
      new AgentIdentity(
          new ServiceAccountName("bosun-system", "bosun-deployment-agent").userName(), List.of());

  private static SharedCluster cluster;
  private static KubernetesClient server;

  @BeforeAll
  static void install(SharedCluster shared) {
    cluster = shared;
    var admin = shared.client();
    GuardrailsCluster.install(admin);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("bosun-system").endMetadata().build())
        .serverSideApply();
    for (String file :
        List.of("mcp/rbac.yaml", "mcp/agent.yaml", "deployment-agent-policy/default.yaml")) {
      GuardrailsCluster.apply(admin, file);
    }
    // The server's own token, as its pod would have it.
    String token =
        admin
            .serviceAccounts()
            .inNamespace("bosun-system")
            .withName("bosun-mcp")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    server = TokenClients.withToken(admin, token);
  }

  @AfterAll
  static void closeClient() {
    server.close();
  }

  @Test
  void theServersOwnRightsCarryEveryGuardrail(TestNamespace namespace) {
    var llm = new Workload();
    llm.setMetadata(new ObjectMetaBuilder().withName("llm").build());
    llm.setSpec(
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Training)
            .withImage("registry.example.com/team/llm:1.0")
            .withSize("gpu-m")
            .build());
    Tier gpuM = server.resources(Tier.class).withName("gpu-m").get();

    try (var guardrails = PolicyGuardrails.forSession(server, DEFAULT_AGENT, false)) {
      // Reads the policy, the Environment, the Tiers and the agents' Workloads; writes the ledger.
      assertThat(guardrails.mayDeploy(llm, gpuM, "staging")).isEqualTo(Verdict.ALLOWED);
      var policy = server.resources(DeploymentAgentPolicy.class).withName("deployment-agent").get();
      assertThat(policy.getStatus().usage()).isNotNull();

      guardrails.audit("deploy", Map.of("environment", "staging"), "allowed");
      assertThat(
              cluster
                  .client()
                  .v1()
                  .events()
                  .inNamespace(PolicyGuardrails.EVENTS_NAMESPACE)
                  .list()
                  .getItems()
                  .stream()
                  .anyMatch(
                      e ->
                          e.getMessage() != null
                              && e.getMessage()
                                  .equals(
                                      "agent "
                                          + DEFAULT_AGENT.user()
                                          + " called deploy {environment=staging}: allowed")))
          .isTrue();

      // Impersonates the agent, who may read the tier catalog.
      assertThat(guardrails.agentClient().resources(Tier.class).list().getItems()).isNotEmpty();
    }

    var stranger =
        new AgentIdentity(
            new ServiceAccountName(namespace.name(), "stranger").userName(), List.of());
    try (var guardrails = PolicyGuardrails.forSession(server, stranger, false)) {
      assertThatThrownBy(() -> guardrails.agentClient().resources(Tier.class).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage()).contains("cannot impersonate");
              });
    }

    llm.getMetadata().setNamespace(namespace.name());
    assertThatThrownBy(() -> server.resource(llm).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }
}

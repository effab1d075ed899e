package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  private static final Path DEPLOY = Path.of("../deploy");
  private static final AgentIdentity DEFAULT_AGENT =
      new AgentIdentity(
          new ServiceAccountName("bosun-system", "bosun-deployment-agent").userName(), List.of());

  private static SharedCluster cluster;
  private static KubernetesClient server;

  @BeforeAll
  static void install(SharedCluster shared) {
    cluster = shared;
    var admin = shared.client();
    for (String crd :
        List.of(
            "deploymentagentpolicies.bosun.dev-v1.yml",
            "environments.bosun.dev-v1.yml",
            "tiers.bosun.dev-v1.yml",
            "workloads.bosun.dev-v1.yml")) {
      Crds.apply(admin, DEPLOY.resolve("crds").resolve(crd));
    }
    for (Tier tier : TierCatalog.defaults().all()) {
      admin.resource(tier).fieldManager("bosun-tests").forceConflicts().serverSideApply();
    }
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("bosun-system").endMetadata().build())
        .serverSideApply();
    kubectl("apply", "--server-side", "--force-conflicts", "-k", DEPLOY.resolve("mcp").toString());
    kubectl(
        "apply",
        "--server-side",
        "--force-conflicts",
        "-k",
        DEPLOY.resolve("deployment-agent-policy").toString());
    // The server's own token, as its pod would have it: impersonation through an admin's
    // credentials would be the admin's impersonation, not the server's.
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
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(admin.getConfiguration().getMasterUrl())
            .withCaCertData(admin.getConfiguration().getCaCertData())
            .withCaCertFile(admin.getConfiguration().getCaCertFile())
            .withTrustCerts(admin.getConfiguration().isTrustCerts())
            .withOauthToken(token)
            .build();
    server = new KubernetesClientBuilder().withConfig(config).build();
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

  private static void kubectl(String... arguments) {
    var command =
        new ArrayList<>(
            List.of(
                K8sBinaries.cached().orElseThrow().kubectl().toString(),
                "--kubeconfig",
                cluster.cluster().kubeconfig().toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("kubectl " + String.join(" ", arguments) + ":\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

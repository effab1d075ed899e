package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.Rbac;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged {@code ./bosun mcp} over stdio, through the SDK's own client: the protocol owns
 * standard output (a stray log line there would break the session), the session acts as {@code
 * --as}, and {@code --as} is required.
 */
@ExtendWith(LocalClusterExtension.class)
class McpStdioIT {
  private static final String AGENT = "mcp-stdio-agent";

  @Test
  @SuppressWarnings("unchecked")
  void servesToolsAsTheAgentNamedByAs(SharedCluster cluster) throws Exception {
    KubernetesClient admin = cluster.client();
    Crds.apply(admin, BosunProcess.ROOT.resolve("deploy/crds/tiers.bosun.dev-v1.yml"));
    Crds.apply(
        admin, BosunProcess.ROOT.resolve("deploy/crds/deploymentagentpolicies.bosun.dev-v1.yml"));
    admin.resource(TierCatalog.defaults().find("cpu-s").orElseThrow()).serverSideApply();
    readTiers(admin);
    var transport =
        new StdioClientTransport(
            ServerParameters.builder(BosunProcess.ROOT.resolve("bosun").toString())
                .args(
                    "mcp", "--as", AGENT, "--kubeconfig", cluster.cluster().kubeconfig().toString())
                .build(),
            McpJsonDefaults.getMapper());
    McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
    try {
      client.initialize();
      var tiers = client.callTool(new McpSchema.CallToolRequest("list_tiers", Map.of()));
      assertThat(tiers.isError()).as("%s", tiers.content()).isNotEqualTo(true);
      assertThat(
              (List<Map<String, Object>>)
                  ((Map<String, Object>) tiers.structuredContent()).get("tiers"))
          .extracting(t -> t.get("name"))
          .contains("cpu-s");
      var valid =
          client.callTool(
              new McpSchema.CallToolRequest(
                  "validate_workload",
                  Map.of(
                      "yaml",
                      Files.readString(BosunProcess.ROOT.resolve("examples/web-api.yaml"))
                          .replace("cpu-m", "cpu-s"))));
      assertThat(((Map<String, Object>) valid.structuredContent()).get("valid")).isEqualTo(true);
      var unknown =
          client.callTool(new McpSchema.CallToolRequest("explain_tier", Map.of("name", "gpu-m")));
      assertThat(unknown.isError()).isTrue();
    } finally {
      client.closeGracefully();
    }
  }

  @Test
  void stdioWithoutAsIsRefusedNamingTheOption() throws Exception {
    BosunProcess.Result run = BosunProcess.jar("mcp").run();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--as: required");
    assertThat(run.out()).isEmpty();
  }

  /** The agent reads Tiers and nothing else: the catalog comes from the cluster, as the agent. */
  private static void readTiers(KubernetesClient admin) {
    Rbac.clusterRole(
        admin, AGENT, Rbac.user(AGENT), Rbac.rule("bosun.dev", List.of("tiers"), "get", "list"));
  }
}

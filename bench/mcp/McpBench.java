// MCP tool-call latency (issue 15, "Numbers"): run with bench/mcp/run.sh, which starts the local
// cluster, the operator and `bosun mcp --http PORT`, then runs this against them.
//
// Sets up an agent as a platform team would (a ServiceAccount, RBAC for staging, a
// DeploymentAgentPolicy, the Environment), deploys web-api to staging through the server and waits
// for it, then times CALLS calls each of validate_workload, render_workload and workload_status
// (after WARMUP of each), one after the other over one MCP session: p50, p99, max.

import dev.bosun.api.v1alpha1.AgentSubjects;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import dev.bosun.localcluster.KubeClients;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

static final String NAMESPACE = "mcp-bench";
static final String AGENT = "coder";
static final int WARMUP = 200;

void main() throws Exception {
  int calls = Integer.getInteger("calls", 1000);
  int port = Integer.getInteger("port", 18093);
  Path home = Path.of(System.getenv("BOSUN_DEV_HOME"));
  String webApi = Files.readString(Path.of("examples/web-api.yaml"));
  IO.println(
      "machine: %d cores, %s"
          .formatted(
              Runtime.getRuntime().availableProcessors(),
              Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                  .filter(l -> l.startsWith("model name"))
                  .findFirst()
                  .orElse("?")));
  String token;
  try (KubernetesClient admin = KubeClients.forKubeconfig(home.resolve("kubeconfig"))) {
    token = agent(admin);
  }
  McpSyncClient client =
      McpClient.sync(
              HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                  .endpoint("/mcp")
                  .httpRequestCustomizer(
                      (request, method, uri, body, context) ->
                          request.header("Authorization", "Bearer " + token))
                  .build())
          .requestTimeout(Duration.ofMinutes(3))
          .build();
  awaitServer(client);
  var deployed =
      call(
          client,
          "deploy_workload",
          Map.of("yaml", webApi, "environment", "staging", "wait", true, "timeoutSeconds", 120));
  IO.println("deploy_workload (wait): " + deployed.content());

  Map<String, Map<String, Object>> tools =
      Map.of(
          "validate_workload", Map.of("yaml", webApi),
          "render_workload", Map.of("yaml", webApi),
          "workload_status", Map.of("name", "web-api", "environment", "staging"));
  for (String tool : List.of("validate_workload", "render_workload", "workload_status")) {
    for (int i = 0; i < WARMUP; i++) {
      call(client, tool, tools.get(tool));
    }
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      call(client, tool, tools.get(tool));
      nanos.add(System.nanoTime() - start);
    }
    IO.println(stats(tool, nanos));
  }
  client.closeGracefully();
  System.exit(0);
}

/** The agent: a ServiceAccount with RBAC for staging, named by a policy; its token. */
String agent(KubernetesClient admin) {
  admin
      .namespaces()
      .resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
      .serverSideApply();
  var staging = new Environment();
  staging.setMetadata(new ObjectMetaBuilder().withName("staging").build());
  staging.setSpec(new EnvironmentSpecBuilder().withNamespace(NAMESPACE).build());
  admin.resource(staging).serverSideApply();
  admin
      .serviceAccounts()
      .inNamespace(NAMESPACE)
      .resource(new ServiceAccountBuilder().withNewMetadata().withName(AGENT).endMetadata().build())
      .serverSideApply();
  admin
      .rbac()
      .clusterRoles()
      .resource(
          new ClusterRoleBuilder()
              .withNewMetadata()
              .withName("mcp-bench-reader")
              .endMetadata()
              .withRules(
                  new PolicyRuleBuilder()
                      .withApiGroups("bosun.dev")
                      .withResources("tiers", "environments")
                      .withVerbs("get", "list", "watch")
                      .build())
              .build())
      .serverSideApply();
  admin
      .rbac()
      .clusterRoleBindings()
      .resource(
          new ClusterRoleBindingBuilder()
              .withNewMetadata()
              .withName("mcp-bench-reader")
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "mcp-bench-reader")
              .addNewSubject()
              .withKind("ServiceAccount")
              .withNamespace(NAMESPACE)
              .withName(AGENT)
              .endSubject()
              .build())
      .serverSideApply();
  admin
      .rbac()
      .roles()
      .inNamespace(NAMESPACE)
      .resource(
          new RoleBuilder()
              .withNewMetadata()
              .withName(AGENT)
              .endMetadata()
              .withRules(
                  new PolicyRuleBuilder()
                      .withApiGroups("bosun.dev")
                      .withResources("workloads")
                      .withVerbs("get", "list", "watch", "create", "patch", "update")
                      .build(),
                  new PolicyRuleBuilder()
                      .withApiGroups("")
                      .withResources("pods", "pods/log", "events")
                      .withVerbs("get", "list")
                      .build())
              .build())
      .serverSideApply();
  admin
      .rbac()
      .roleBindings()
      .inNamespace(NAMESPACE)
      .resource(
          new RoleBindingBuilder()
              .withNewMetadata()
              .withName(AGENT)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "Role", AGENT)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withNamespace(NAMESPACE)
              .withName(AGENT)
              .endSubject()
              .build())
      .serverSideApply();
  var policy = new DeploymentAgentPolicy();
  policy.setMetadata(new ObjectMetaBuilder().withName("mcp-bench").build());
  policy.setSpec(
      new DeploymentAgentPolicySpec(
          new AgentSubjects(List.of(new ServiceAccountName(NAMESPACE, AGENT)), null),
          List.of("staging"),
          null,
          null,
          null,
          null));
  admin.resource(policy).serverSideApply();
  return admin
      .serviceAccounts()
      .inNamespace(NAMESPACE)
      .withName(AGENT)
      .tokenRequest(
          new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
      .getStatus()
      .getToken();
}

/** `bosun mcp` starts in the background: its port answers a few seconds later. */
static void awaitServer(McpSyncClient client) throws InterruptedException {
  for (int attempt = 0; ; attempt++) {
    try {
      client.initialize();
      return;
    } catch (RuntimeException e) {
      if (attempt == 60) {
        throw e;
      }
      Thread.sleep(500);
    }
  }
}

static McpSchema.CallToolResult call(
    McpSyncClient client, String tool, Map<String, Object> arguments) {
  var result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
  if (Boolean.TRUE.equals(result.isError())) {
    throw new IllegalStateException(tool + " failed: " + result.content());
  }
  return result;
}

static String stats(String label, List<Long> nanos) {
  List<Long> sorted = nanos.stream().sorted().toList();
  return "%s p50 %.2f ms   p99 %.2f ms   max %.2f ms   (%d calls)"
      .formatted(
          label,
          sorted.get(sorted.size() / 2) / 1e6,
          sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6,
          sorted.getLast() / 1e6,
          sorted.size());
}

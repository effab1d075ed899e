package dev.bosun.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.AgentSubjects;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentSpec;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.mcp.guard.PolicyGuardrails;
import dev.bosun.operator.RunningOperator;
import dev.bosun.router.TokenReviewer;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.Rbac;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bosun mcp}'s server over streamable HTTP on the local cluster with the real guardrails
 * (DeploymentAgentPolicy, impersonation, audit Events) and the operator: an agent's ServiceAccount
 * token is reviewed, its calls act as it, a staging deploy becomes Ready, production is refused by
 * the policy, and what the policy allows RBAC can still refuse.
 */
@ExtendWith(LocalClusterExtension.class)
@SuppressWarnings("unchecked")
class McpServerIT {
  private static SharedCluster cluster;
  private final List<Runnable> cleanups = new ArrayList<>();
  private String namespace;
  private String staging;
  private String production;
  private String qa;
  private String agentUser;
  private HttpTransport http;
  private McpSyncClient client;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @BeforeEach
  void agentWithPolicy(TestNamespace test) throws Exception {
    KubernetesClient admin = cluster.client();
    namespace = test.name();
    String suffix = namespace.substring(namespace.lastIndexOf('-') + 1);
    staging = "staging-" + suffix;
    production = "production-" + suffix;
    qa = "qa-" + suffix;
    environment(staging, new EnvironmentSpecBuilder().withNamespace(namespace).build());
    environment(
        production,
        new EnvironmentSpecBuilder()
            .withNamespace(namespace + "-prod")
            .withPromotesFrom(staging)
            .build());
    environment(qa, new EnvironmentSpecBuilder().withNamespace(namespace + "-qa").build());
    cleanups.add(() -> admin.namespaces().withName(namespace + "-prod").delete());
    cleanups.add(() -> admin.namespaces().withName(namespace + "-qa").delete());

    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("coder").endMetadata().build())
        .create();
    agentUser = new ServiceAccountName(namespace, "coder").userName();
    grantStagingOnly(admin);

    var policy = new DeploymentAgentPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("agents-" + suffix).build());
    policy.setSpec(
        new DeploymentAgentPolicySpec(
            new AgentSubjects(List.of(new ServiceAccountName(namespace, "coder")), null),
            List.of(staging, production, qa),
            null,
            List.of("cpu-s"),
            null,
            null));
    admin.resource(policy).create();
    cleanups.add(() -> admin.resource(policy).delete());

    http = start(false);
    client = client(http, token(admin));
    client.initialize();
  }

  @AfterEach
  void cleanUp() throws Exception {
    client.closeGracefully();
    http.close();
    cleanups.reversed().forEach(Runnable::run);
  }

  @Test
  void deploysToStagingReportsStatusAndEventsButNeverProduction() {
    String web = workload("web");
    assertThat(ok(call("validate_workload", Map.of("yaml", web))).get("valid")).isEqualTo(true);
    assertThat((List<String>) ok(call("render_workload", Map.of("yaml", web))).get("objects"))
        .contains("Deployment/web");

    Map<String, Object> deployed =
        ok(
            call(
                "deploy_workload",
                Map.of("yaml", web, "environment", staging, "wait", true, "timeoutSeconds", 120)));
    assertThat(deployed.get("namespace")).isEqualTo(namespace);
    assertThat((List<Map<String, Object>>) deployed.get("workloads"))
        .singleElement()
        .satisfies(w -> assertThat(w.get("outcome")).isEqualTo("Ready"));

    Map<String, Object> status =
        ok(call("workload_status", Map.of("name", "web", "environment", staging)));
    assertThat((List<Map<String, Object>>) status.get("workloads"))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.get("ready")).isEqualTo("2/2");
              assertThat(w.get("environment")).isEqualTo(staging);
            });

    Map<String, Object> events =
        ok(call("workload_events", Map.of("name", "web", "environment", staging)));
    assertThat((List<Map<String, Object>>) events.get("events")).isNotEmpty();
    assertThat((List<Map<String, Object>>) events.get("logs"))
        .isNotEmpty()
        .allSatisfy(log -> assertThat((String) log.get("note")).contains("KWOK"));

    for (String environment : List.of(production)) {
      Map<String, Object> error =
          error(call("deploy_workload", Map.of("yaml", web, "environment", environment)));
      assertThat(error.get("kind")).isEqualTo(ToolError.REFUSED);
      // Production is promoted into, never deployed to: the Environment's promotesFrom says so.
      assertThat((String) error.get("rule")).contains(production);
      assertThat((String) error.get("howToAllow")).isNotBlank();
    }
    assertThat(
            cluster
                .client()
                .resources(Workload.class)
                .inNamespace(namespace + "-prod")
                .list()
                .getItems())
        .isEmpty();
    assertThat(cluster.client().v1().events().inAnyNamespace().list().getItems())
        .filteredOn(
            e ->
                e.getMetadata().getAnnotations() != null
                    && agentUser.equals(
                        e.getMetadata()
                            .getAnnotations()
                            .get(DeploymentAgentPolicy.AGENT_ANNOTATION)))
        .extracting(e -> e.getAction())
        .contains("validate_workload", "deploy_workload", "workload_status");
  }

  @Test
  void whatThePolicyAllowsRbacStillRefusesClearly() {
    Map<String, Object> error =
        error(call("deploy_workload", Map.of("yaml", workload("web"), "environment", qa)));
    assertThat(error.get("kind")).isEqualTo(ToolError.REFUSED);
    assertThat(error.get("rule")).isEqualTo("RBAC");
    assertThat((String) error.get("message")).contains(agentUser).contains("workloads");
    assertThat(
            cluster
                .client()
                .resources(Workload.class)
                .inNamespace(namespace + "-qa")
                .list()
                .getItems())
        .isEmpty();
  }

  @Test
  void aDryRunServerStoresNothing() throws Exception {
    try (HttpTransport dryRun = start(true)) {
      McpSyncClient agent = client(dryRun, token(cluster.client()));
      agent.initialize();
      CallToolResult result =
          agent.callTool(
              new McpSchema.CallToolRequest(
                  "deploy_workload", Map.of("yaml", workload("web"), "environment", staging)));
      assertThat(result.isError()).as("%s", result).isNotEqualTo(true);
      assertThat(((Map<String, Object>) result.structuredContent()).get("dryRun")).isEqualTo(true);
      agent.closeGracefully();
    }
    assertThat(
            cluster.client().resources(Workload.class).inNamespace(namespace).withName("web").get())
        .isNull();
  }

  @Test
  void fleetHealthReadsTheSimulatedFleet() {
    grantFleetReading(cluster.client());
    Map<String, Object> fleet = ok(call("gpu_fleet_health", Map.of()));
    assertThat((Integer) fleet.get("gpus")).isPositive();
  }

  private HttpTransport start(boolean dryRun) throws Exception {
    KubernetesClient admin = cluster.client();
    var server =
        new BosunMcpServer(
            new BosunMcpServer.Settings(
                Sessions.perRequest(agent -> PolicyGuardrails.forSession(admin, agent, dryRun)),
                dryRun,
                BosunMcpServer::clusterTiers,
                "it",
                null));
    return HttpTransport.start(
        server, "127.0.0.1", 0, new TokenAgents(new TokenReviewer(admin, List.of())));
  }

  private static McpSyncClient client(HttpTransport http, String token) {
    return McpClient.sync(
            HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + http.port())
                .endpoint(HttpTransport.ENDPOINT)
                .httpRequestCustomizer(
                    (request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + token))
                .build())
        .requestTimeout(Duration.ofSeconds(180))
        .build();
  }

  private String token(KubernetesClient admin) {
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName("coder")
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  private CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
  }

  /** A result that is not an error, checked against the tool's output schema. */
  private Map<String, Object> ok(CallToolResult result) {
    assertThat(result.isError()).as("%s", result.content()).isNotEqualTo(true);
    return (Map<String, Object>) result.structuredContent();
  }

  private static Map<String, Object> error(CallToolResult result) {
    assertThat(result.isError()).as("%s", result.content()).isTrue();
    return (Map<String, Object>) ((Map<String, Object>) result.structuredContent()).get("error");
  }

  private static String workload(String name) {
    return """
        apiVersion: bosun.dev/v1alpha1
        kind: Workload
        metadata:
          name: %s
        spec:
          type: Service
          image: registry.example.com/acme/%s:1.0
          size: cpu-s
          port: 8080
          replicas: {min: 2, max: 2}
        """
        .formatted(name, name);
  }

  private void environment(String name, EnvironmentSpec spec) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName(name).build());
    environment.setSpec(spec);
    cluster.client().resource(environment).create();
    cleanups.add(() -> cluster.client().resource(environment).delete());
  }

  /** What the agent may do: read tiers and Environments, and run Workloads in staging only. */
  private void grantStagingOnly(KubernetesClient admin) {
    Subject coder = Rbac.serviceAccount(namespace, "coder");
    cleanups.add(
        Rbac.clusterRole(
            admin,
            "mcp-agent-reader-" + namespace,
            coder,
            Rbac.rule("bosun.dev", List.of("tiers", "environments"), "get", "list", "watch")));
    Rbac.role(
        admin,
        namespace,
        "coder",
        coder,
        Rbac.rule(
            "bosun.dev", List.of("workloads"), "get", "list", "watch", "create", "patch", "update"),
        Rbac.rule("", List.of("pods", "pods/log", "events"), "get", "list"));
  }

  /** What gpu_fleet_health reads: the same five lists as `bosun nodes`. */
  private void grantFleetReading(KubernetesClient admin) {
    cleanups.add(
        Rbac.clusterRole(
            admin,
            "mcp-agent-fleet-" + namespace,
            Rbac.serviceAccount(namespace, "coder"),
            Rbac.rule("", List.of("nodes"), "list"),
            Rbac.rule(
                "resource.k8s.io",
                List.of("resourceslices", "resourceclaims", "devicetaintrules"),
                "list"),
            Rbac.rule("bosun.dev", List.of("gpunodehealths"), "list")));
  }
}

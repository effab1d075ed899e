package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.AgentSubjects;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentPromotion;
import dev.bosun.api.v1alpha1.EnvironmentSpec;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.GateReport;
import dev.bosun.api.v1alpha1.Gates;
import dev.bosun.api.v1alpha1.LoadTestGate;
import dev.bosun.api.v1alpha1.MalformedInputGate;
import dev.bosun.api.v1alpha1.PartialOutageGate;
import dev.bosun.api.v1alpha1.PromotionGates;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierResources;
import dev.bosun.api.v1alpha1.TierSpecBuilder;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSlo;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.Labels;
import dev.bosun.localcluster.StandInBehaviour;
import dev.bosun.operator.Conditions;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.Rbac;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bosun promote} with production's gates, through the packaged CLI, the operator, the router
 * and the stand-in model servers: a good stand-in passes every gate and production ends holding its
 * digest; a stand-in that crashes on a malformed body, one that loses its requests when its pod
 * goes and one too slow for its load each fail the gate that catches it, and nothing reaches
 * production.
 */
@ExtendWith(LocalClusterExtension.class)
class PromotionGatesIT {
  private static final String IMAGE =
      "registry.example.com/acme/chat@sha256:"
          + "31e06f7d89feb99a0e6c0affe198748c3bb5bef5e3cc92d95cb9e996197d3fc3";

  /**
   * Two replicas of four slots at 500 ms serve 16 a second: 8 is comfortable, and one copes. The
   * p99 leaves room for a loaded 2-core machine; a stand-in at 2 s a request serves only 4 a
   * second, so its queue and latency grow well past it.
   */
  private static final WorkloadSlo SLO = new WorkloadSlo(8, "3s", "1%");

  private static DevServices services;
  private static Path home;
  private static KubernetesClient admin;

  private final List<Runnable> cleanups = new ArrayList<>();
  private String staging;
  private String production;
  private String productionNamespace;

  @BeforeAll
  static void start(SharedCluster cluster) throws IOException {
    home = cluster.cluster().home();
    admin = cluster.client();
    services = new DevServices(home, admin).serving("4", "500ms");
  }

  @AfterAll
  static void stop() {
    services.stopAll();
  }

  @AfterEach
  void cleanUp() {
    cleanups.reversed().forEach(Runnable::run);
  }

  @Test
  void aGoodServerPassesEveryGateAndProductionHoldsItsDigest(
      KubernetesClient client, TestNamespace namespace) throws Exception {
    stagingWith(client, namespace, null);

    var promote = promote("chat");

    assertThat(promote.exitCode()).as(promote.out() + promote.err()).isZero();
    assertThat(promote.out())
        .contains("gates: " + Gates.LOAD_TEST + " passed")
        .contains("gates: " + Gates.SERVICE_LEVEL + " passed")
        .contains("gates: " + Gates.MALFORMED_INPUT + " passed")
        .contains("gates: " + Gates.PARTIAL_OUTAGE + " passed")
        .contains("promoted from " + staging + " to " + production + " with image " + IMAGE);
    assertThat(productionImage()).isEqualTo(IMAGE);
    GateReport report = gates(client);
    assertThat(report.passed()).isTrue();
    assertThat(report.image()).isEqualTo(IMAGE);
    assertThat(report.targetEnvironment()).isEqualTo(production);
    assertThat(report.results()).extracting(r -> r.name()).containsExactlyElementsOf(Gates.ORDER);

    // The operator's own status writes (a new generation, a new replica) keep the gates' report:
    // each field manager owns only the fields it applies.
    client
        .resources(Workload.class)
        .withName("chat")
        .edit(
            w -> {
              w.setSpec(
                  new WorkloadSpecBuilder(w.getSpec()).withReplicas(Replicas.fixed(3)).build());
              return w;
            });
    await("the operator to report the new generation Ready")
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> client.resources(Workload.class).withName("chat").get(),
            w ->
                w.getStatus() != null
                    && w.getMetadata().getGeneration().equals(w.getStatus().observedGeneration())
                    && Integer.valueOf(3).equals(w.getStatus().readyReplicas()));
    assertThat(gates(client)).isEqualTo(report);

    var status =
        BosunProcess.jar(
                "status",
                "chat",
                "-n",
                namespace.name(),
                "-o",
                "json",
                "--kubeconfig",
                kubeconfig())
            .run();
    assertThat(status.exitCode()).as(status.err()).isZero();
    JsonNode row = new ObjectMapper().readTree(status.out()).get(0);
    assertThat(row.path("gates").path("passed").asBoolean()).isTrue();
    assertThat(row.path("gates").path("results")).hasSize(Gates.ORDER.size());
    var table =
        BosunProcess.jar("status", "chat", "-n", namespace.name(), "--kubeconfig", kubeconfig())
            .run();
    assertThat(table.out()).contains("GATES").contains("passed→" + production);
  }

  @Test
  void aServerThatCrashesOnAMalformedBodyFailsMalformedInput(
      KubernetesClient client, TestNamespace namespace) throws Exception {
    stagingWith(client, namespace, StandInBehaviour.CRASH_ON_MALFORMED_INPUT);

    refusedNaming(Gates.MALFORMED_INPUT, "malformed requests got a 5xx or no answer");
    assertThat(gates(client).results())
        .filteredOn(r -> r.name().equals(Gates.PARTIAL_OUTAGE))
        .singleElement()
        .satisfies(r -> assertThat(r.passed()).isNull());
  }

  @Test
  void aServerThatLosesRequestsWhenAReplicaGoesFailsPartialOutage(
      KubernetesClient client, TestNamespace namespace) throws Exception {
    stagingWith(client, namespace, StandInBehaviour.NO_DRAIN);

    refusedNaming(Gates.PARTIAL_OUTAGE, "podDeleted=chat-");
  }

  @Test
  void aServerTooSlowForItsLoadFailsItsServiceLevelObjective(
      KubernetesClient client, TestNamespace namespace) throws Exception {
    stagingWith(client, namespace, StandInBehaviour.SERVICE_TIME + "=2s");

    refusedNaming(Gates.SERVICE_LEVEL, "exceeds the objective 3s");
  }

  /**
   * The same gates through {@code bosun mcp}'s {@code promote} tool, as a deployment agent: a
   * ServiceAccount with the shipped agent roles of deploy/mcp bound in staging and production, and
   * a DeploymentAgentPolicy that lets it promote there. The server impersonates it, so every step
   * of the gates (the report, the load's ServiceAccount, the pod taken away) runs on its RBAC.
   */
  @Test
  @SuppressWarnings("unchecked")
  void anAgentPromotesThroughTheGatesOverMcp(KubernetesClient client, TestNamespace namespace)
      throws Exception {
    stagingWith(client, namespace, null);
    String agent = "promoter";
    client
        .serviceAccounts()
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(agent).endMetadata().build())
        .create();
    for (HasMetadata object :
        admin
            .load(Files.newInputStream(BosunProcess.ROOT.resolve("deploy/mcp/agent.yaml")))
            .items()) {
      if (object instanceof ClusterRole role) {
        admin.resource(role).serverSideApply();
      }
    }
    var subject = Rbac.serviceAccount(namespace.name(), agent);
    await("the operator to make production's namespace")
        .atMost(Duration.ofSeconds(60))
        .until(() -> admin.namespaces().withName(productionNamespace).get() != null);
    Rbac.roleBinding(admin, namespace.name(), "bosun-deployment-agent", subject);
    Rbac.roleBinding(admin, namespace.name(), "bosun-deployment-agent-gates", subject);
    Rbac.roleBinding(admin, productionNamespace, "bosun-deployment-agent", subject);
    cleanups.add(
        Rbac.clusterRoleBinding(
            admin,
            "promoter-catalog-" + namespace.name(),
            "bosun-deployment-agent-catalog",
            subject));
    Crds.apply(
        admin, BosunProcess.ROOT.resolve("deploy/crds/deploymentagentpolicies.bosun.dev-v1.yml"));
    var policy = new DeploymentAgentPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(namespace.name()).build());
    policy.setSpec(
        new DeploymentAgentPolicySpec(
            new AgentSubjects(List.of(new ServiceAccountName(namespace.name(), agent)), null),
            List.of(staging),
            List.of(production),
            null,
            null,
            null));
    admin.resource(policy).create();
    cleanups.add(() -> admin.resource(policy).delete());

    var transport =
        new StdioClientTransport(
            ServerParameters.builder(BosunProcess.ROOT.resolve("bosun").toString())
                .args(
                    "mcp",
                    "--as",
                    new ServiceAccountName(namespace.name(), agent).userName(),
                    "--router",
                    Files.readString(home.resolve("router-url")).strip(),
                    "--kubeconfig",
                    kubeconfig())
                .build(),
            McpJsonDefaults.getMapper());
    McpSyncClient mcp = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(3)).build();
    try {
      mcp.initialize();
      var promoted =
          mcp.callTool(
              new McpSchema.CallToolRequest(
                  "promote", Map.of("name", "chat", "from", staging, "to", production)));
      assertThat(promoted.isError()).as("%s", promoted.content()).isNotEqualTo(true);
      var result = (Map<String, Object>) promoted.structuredContent();
      assertThat(result.get("promoted")).isEqualTo(true);
      assertThat(result.get("image")).isEqualTo(IMAGE);
      var gates = (Map<String, Object>) result.get("gates");
      assertThat(gates.get("passed")).isEqualTo(true);
      assertThat((List<Map<String, Object>>) gates.get("gates"))
          .extracting(g -> g.get("name"))
          .containsExactlyElementsOf(Gates.ORDER);
    } finally {
      mcp.closeGracefully();
    }
    assertThat(productionImage()).isEqualTo(IMAGE);
    assertThat(gates(client).passed()).isTrue();
  }

  /** {@code bosun promote} refused with exit code 2, naming {@code gate}; production untouched. */
  private void refusedNaming(String gate, String evidence) throws Exception {
    var promote = promote("chat");
    assertThat(promote.exitCode()).as(promote.out() + promote.err()).isEqualTo(2);
    assertThat(promote.err())
        .contains("chat is not promoted to " + production)
        .contains(gate + " failed: ")
        .contains(evidence)
        .doesNotContain("Exception");
    assertThat(
            admin.resources(Workload.class).inNamespace(productionNamespace).withName("chat").get())
        .isNull();
  }

  private BosunProcess.Result promote(String name) throws Exception {
    return BosunProcess.jar(
            "promote", name, "--from", staging, "--to", production, "--kubeconfig", kubeconfig())
        .env("BOSUN_DEV_HOME", home.toString())
        .within(Duration.ofMinutes(3))
        .run();
  }

  private String productionImage() {
    return admin
        .resources(Workload.class)
        .inNamespace(productionNamespace)
        .withName("chat")
        .get()
        .getSpec()
        .image();
  }

  private static GateReport gates(KubernetesClient client) {
    return client.resources(Workload.class).withName("chat").get().getStatus().gates();
  }

  /**
   * A tier, staging in the test's namespace with chat (two replicas, its stand-in told {@code
   * behaviour}) Ready and served, and production with short gates.
   */
  private void stagingWith(KubernetesClient client, TestNamespace namespace, String behaviour) {
    String suffix = namespace.name().substring(namespace.name().lastIndexOf('-') + 1);
    staging = "staging-" + suffix;
    production = "production-" + suffix;
    productionNamespace = namespace.name() + "-prod";
    var tier = new Tier();
    tier.setMetadata(new ObjectMetaBuilder().withName("gates-" + suffix).build());
    tier.setSpec(
        new TierSpecBuilder()
            .withDescription("A CPU tier of this test")
            .withResources(new TierResources("100m", "128Mi", null))
            .build());
    admin.resource(tier).serverSideApply();
    cleanups.add(() -> admin.resource(tier).delete());
    environment(staging, new EnvironmentSpecBuilder().withNamespace(namespace.name()).build());
    environment(
        production,
        new EnvironmentSpecBuilder()
            .withNamespace(productionNamespace)
            .withPromotesFrom(staging)
            .withPromotion(
                new EnvironmentPromotion(
                    new PromotionGates(
                        new LoadTestGate("6s"),
                        new MalformedInputGate(List.of("/v1/completions")),
                        new PartialOutageGate(true))))
            .build());
    cleanups.add(() -> admin.namespaces().withName(productionNamespace).delete());

    var workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName("chat").build());
    workload.setSpec(
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Inference)
            .withImage(IMAGE)
            .withSize(tier.getMetadata().getName())
            .withPort(8000)
            .withReplicas(Replicas.fixed(2))
            .withSlo(SLO)
            .withEnv(
                behaviour == null ? null : List.of(EnvVar.literal(StandInBehaviour.ENV, behaviour)))
            .build());
    client.resource(workload).create();
    await("chat Ready in staging with its stand-ins serving")
        .atMost(Duration.ofSeconds(120))
        .until(() -> readyAndServed(client));
  }

  private static boolean readyAndServed(KubernetesClient client) {
    var workload = client.resources(Workload.class).withName("chat").get();
    if (workload == null
        || workload.getStatus() == null
        || !Conditions.isTrue(workload.getStatus().conditions(), ConditionTypes.READY)) {
      return false;
    }
    List<Pod> pods = client.pods().withLabel(Labels.WORKLOAD, "chat").list().getItems();
    return pods.size() == 2
        && pods.stream()
            .allMatch(
                p ->
                    p.getStatus().getPodIP() != null
                        && Files.exists(
                            home.resolve("pod-network")
                                .resolve(p.getStatus().getPodIP() + "_8000")));
  }

  private void environment(String name, EnvironmentSpec spec) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName(name).build());
    environment.setSpec(spec);
    admin.resource(environment).create();
    cleanups.add(() -> admin.resource(environment).delete());
  }

  private static String kubeconfig() {
    return home.resolve("kubeconfig").toString();
  }
}

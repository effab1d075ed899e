package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's values: `helm lint` is clean with digests given, values.schema.json refuses bad
 * values with the field named, and overridden values land where they should.
 */
class ChartValuesTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Helm helm;

  @BeforeAll
  static void findHelm() {
    helm = Helm.find();
  }

  @Test
  void lintIsCleanWithDigests() {
    var result =
        helm.run("lint", "--strict", Helm.CHART.toString(), "-f", Helm.LINT_VALUES.toString());
    assertThat(result.output()).contains("1 chart(s) linted, 0 chart(s) failed");
    assertThat(result.output()).doesNotContain("[WARNING]", "[ERROR]");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void anImageWithoutADigestIsRefusedNamingIt() {
    // The defaults carry no digest: the chart cannot be installed without the build's.
    var result = helm.run("template", "bosun", Helm.CHART.toString());
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("values don't meet the specifications of the schema");
    assertThat(result.output())
        .contains("/images/operator/digest", "/images/agent/digest", "/images/router/digest");
  }

  @Test
  void anUnknownTierFieldIsRefusedNamingIt() {
    var result = helm.render("--set", "tiers.gpu-m.gpus=2");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("/tiers/gpu-m").contains("'gpus'");
  }

  @Test
  void anUnknownFieldDeepInATierIsRefusedNamingIt() {
    var result = helm.render("--set", "tiers.gpu-m.gpu.memory=80G");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("/tiers/gpu-m/gpu").contains("'memory'");
  }

  @Test
  void aNegativeBreakerBudgetIsRefusedNamingIt() {
    var result = helm.render("--set", "gpuHealthPolicy.spec.breaker.maxQuarantined=-1");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("/gpuHealthPolicy/spec/breaker/maxQuarantined");
  }

  @Test
  void aBreakerBudgetOverAHundredPercentIsRefusedNamingIt() {
    var result = helm.render("--set-string", "gpuHealthPolicy.spec.breaker.maxQuarantined=150%");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("/gpuHealthPolicy/spec/breaker/maxQuarantined");
  }

  @Property(tries = 12)
  void anyDigestThatIsNotSha256HexIsRefused(@ForAll("notDigests") String digest) {
    var result = helm.render("--set-string", "images.router.digest=" + digest);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("/images/router/digest");
  }

  @Provide
  Arbitrary<String> notDigests() {
    Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    return Arbitraries.oneOf(
        Arbitraries.of("latest", "0.1.0", "sha256:", "sha512:" + "a".repeat(128)),
        hex, // no algorithm
        hex.map(h -> "sha256:" + h.toUpperCase() + "A"), // upper case
        hex.map(h -> "sha256:" + h.substring(1)), // one digit short
        hex.map(h -> "sha256:" + h + "0")); // one digit long
  }

  @Test
  void overriddenValuesLandInTheObjects() {
    String digest = "sha256:" + "ab".repeat(32);
    Map<String, JsonNode> objects =
        byKey(
            helm.template(
                "--set", "namespaces.system=platform-bosun",
                "--set", "namespaces.node=platform-bosun-node",
                "--set", "images.operator.repository=registry.example.com/bosun/operator",
                "--set", "images.operator.digest=" + digest,
                "--set", "operator.replicas=3",
                "--set", "router.enabled=false",
                "--set", "tiers.gpu-xl=null",
                "--set", "tiers.cpu-m.costPerHour=0.1",
                "--set", "tiers.cpu-xs.description=tiny",
                "--set", "tiers.cpu-xs.resources.cpu=100m",
                "--set", "tiers.cpu-xs.resources.memory=256Mi",
                "--set", "gpuHealthPolicy.spec.effect=NoExecute"));

    JsonNode operator = objects.get("Deployment/platform-bosun/bosun-operator");
    assertThat(operator.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(operator.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/bosun/operator@" + digest);
    assertThat(
            objects.get("ClusterRoleBinding/bosun-operator").at("/subjects/0/namespace").asText())
        .isEqualTo("platform-bosun");
    assertThat(objects.get("ValidatingAdmissionPolicy/bosun-agent-own-node-only").toString())
        .contains("system:serviceaccount:platform-bosun-node:bosun-agent");
    assertThat(objects.get("Namespace/platform-bosun-node").at("/metadata/labels").toString())
        .contains("\"pod-security.kubernetes.io/enforce\":\"privileged\"");
    assertThat(objects.keySet()).noneMatch(key -> key.contains("bosun-sandbox-router"));
    assertThat(objects.keySet())
        .doesNotContain("Tier/gpu-xl")
        .contains("Tier/cpu-xs", "Tier/gpu-m");
    assertThat(objects.get("Tier/cpu-m").at("/spec/costPerHour").asText()).isEqualTo("0.1");
    assertThat(objects.get("Tier/cpu-m").at("/spec/resources/cpu").asText()).isEqualTo("2");
    assertThat(objects.get("GpuHealthPolicy/default").at("/spec/effect").asText())
        .isEqualTo("NoExecute");
    assertThat(objects.get("GpuHealthPolicy/default").at("/spec/breaker/maxQuarantined").asText())
        .isEqualTo("10%");
  }

  @Test
  void theMcpServerImpersonatesExactlyTheListedAgentsWhichThePolicyNames() {
    Map<String, JsonNode> objects =
        byKey(
            helm.template(
                "--set", "mcp.agents[0].name=ci-deployer",
                "--set", "mcp.agents[0].namespace=ci",
                "--set", "mcp.agents[0].create=false",
                "--set", "mcp.policy.spec.promoteTo={production}"));

    JsonNode impersonate = objects.get("Role/ci/bosun-mcp-impersonate-ci-deployer");
    assertThat(impersonate.at("/rules/0/resourceNames").toString()).isEqualTo("[\"ci-deployer\"]");
    assertThat(impersonate.at("/rules/0/verbs").toString()).isEqualTo("[\"impersonate\"]");
    assertThat(objects.keySet())
        .noneMatch(key -> key.startsWith("ServiceAccount/") && key.endsWith("/ci-deployer"))
        .noneMatch(key -> key.endsWith("/bosun-deployment-agent") && key.startsWith("Role"));
    JsonNode policy = objects.get("DeploymentAgentPolicy/deployment-agent");
    assertThat(policy.at("/spec/agents/serviceAccounts").toString())
        .isEqualTo("[{\"name\":\"ci-deployer\",\"namespace\":\"ci\"}]");
    assertThat(policy.at("/spec/promoteTo").toString()).isEqualTo("[\"production\"]");
    assertThat(policy.at("/spec/environments").toString()).isEqualTo("[\"staging\"]");
  }

  @Test
  void monitoringIsOffByDefaultAndRendersEveryDashboardAndTheRulesWhenOn() throws IOException {
    assertThat(Manifests.parse(helm.template()).stream().map(Manifests::key))
        .noneMatch(key -> key.startsWith("ConfigMap/") || key.startsWith("PrometheusRule/"));

    List<ObjectNode> objects =
        Manifests.parse(
            helm.template(
                "--set", "monitoring.dashboards.enabled=true",
                "--set", "monitoring.prometheusRule.enabled=true",
                "--set", "monitoring.prometheusRule.labels.release=prometheus"));
    Path dashboards = Helm.CHART.resolve("files/dashboards");
    List<Path> files;
    try (Stream<Path> listed = Files.list(dashboards)) {
      files = listed.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    List<ObjectNode> configMaps =
        objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")).toList();
    assertThat(configMaps).hasSameSizeAs(files).isNotEmpty();
    for (Path file : files) {
      String name = file.getFileName().toString();
      JsonNode configMap =
          configMaps.stream().filter(c -> c.path("data").has(name)).findFirst().orElseThrow();
      assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
      assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo("bosun-system");
      assertThat(JSON.readTree(configMap.path("data").path(name).asText()))
          .isEqualTo(JSON.readTree(Files.readString(file)));
    }
    JsonNode rule =
        objects.stream()
            .filter(o -> o.path("kind").asText().equals("PrometheusRule"))
            .findFirst()
            .orElseThrow();
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    assertThat(rule.path("spec"))
        .isEqualTo(Manifests.read(Helm.CHART.resolve("files/prometheus-rules.yaml")).getFirst());
  }

  private static Map<String, JsonNode> byKey(String yaml) {
    return Manifests.parse(yaml).stream()
        .collect(Collectors.toMap(Manifests::key, (ObjectNode object) -> object));
  }
}

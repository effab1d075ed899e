package dev.bosun.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.mcp.guard.AgentIdentity;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's mechanics through the SDK's own client over streamable HTTP, with the test's
 * guardrails and no cluster: schemas, structured results, structured errors naming the field, the
 * guardrail on environments, the audit of every call, and the bearer token required.
 */
@SuppressWarnings("unchecked")
class McpServerTest {
  static final String TOKEN = "staging-agent-token";
  static final AgentIdentity AGENT =
      new AgentIdentity("system:serviceaccount:agents:coder", List.of());
  static final Path EXAMPLES = Path.of("../examples");

  static final Map<AgentIdentity, StagingOnlyGuardrails> GUARDRAILS = new ConcurrentHashMap<>();
  static HttpTransport http;
  static McpSyncClient client;
  static JsonSchemaValidator validator = McpJsonDefaults.getSchemaValidator();

  @BeforeAll
  static void start() throws Exception {
    var server = StagingOnlyGuardrails.server(GUARDRAILS);
    http =
        HttpTransport.start(
            server,
            "127.0.0.1",
            0,
            token -> token.equals(TOKEN) ? Optional.of(AGENT) : Optional.empty());
    client = client(TOKEN);
    client.initialize();
  }

  static McpSyncClient client(String token) {
    var transport =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + http.port())
            .endpoint(HttpTransport.ENDPOINT)
            .httpRequestCustomizer(
                (request, method, uri, body, context) -> {
                  if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                  }
                })
            .build();
    return McpClient.sync(transport).build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    http.close();
  }

  static CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> error(CallToolResult result) {
    assertThat(result.isError()).as("isError of %s", result).isTrue();
    return (Map<String, Object>) ((Map<String, Object>) result.structuredContent()).get("error");
  }

  static String example(String name) throws IOException {
    return Files.readString(EXAMPLES.resolve(name));
  }

  @Test
  void everyToolDeclaresValidInputAndOutputSchemas() {
    List<McpSchema.Tool> tools = client.listTools().tools();
    assertThat(tools)
        .extracting(McpSchema.Tool::name)
        .contains(
            "list_tiers",
            "explain_tier",
            "validate_workload",
            "render_workload",
            "deploy_workload",
            "workload_status",
            "workload_events",
            "gpu_fleet_health",
            "sandbox_create",
            "sandbox_suspend",
            "sandbox_resume",
            "sandbox_delete",
            "run_gates",
            "promote");
    for (McpSchema.Tool tool : tools) {
      assertThat(tool.outputSchema()).as(tool.name()).isNotEmpty();
      assertThat(tool.inputSchema().get("additionalProperties")).as(tool.name()).isEqualTo(false);
    }
  }

  @Test
  void listTiersGivesEachTierWithItsCostAndValidatesAgainstItsOutputSchema() {
    CallToolResult result = call("list_tiers", Map.of());
    assertThat(result.isError()).isNotEqualTo(true);
    assertConforms("list_tiers", result);
    @SuppressWarnings("unchecked")
    var tiers =
        (List<Map<String, Object>>) ((Map<String, Object>) result.structuredContent()).get("tiers");
    assertThat(tiers).extracting(t -> t.get("name")).contains("gpu-m", "cpu-s");
    assertThat(tiers)
        .filteredOn(t -> t.get("name").equals("gpu-m"))
        .first()
        .extracting(t -> t.get("costPerHour"))
        .isNotNull();
  }

  @Test
  void explainTierNamesTheArgumentOfAnUnknownTier() {
    CallToolResult known = call("explain_tier", Map.of("name", "gpu-m"));
    assertConforms("explain_tier", known);
    Map<String, Object> error = error(call("explain_tier", Map.of("name", "gpu-mm")));
    assertThat(error.get("kind")).isEqualTo(ToolError.INVALID);
    assertThat((List<String>) error.get("problems"))
        .singleElement()
        .asString()
        .startsWith("name: tier \"gpu-mm\" does not exist");
  }

  @Test
  void validateReportsProblemsWithFieldPathsAsTheCliDoes() throws IOException {
    CallToolResult valid = call("validate_workload", Map.of("yaml", example("chat.yaml")));
    assertConforms("validate_workload", valid);
    assertThat(structured(valid).get("valid")).isEqualTo(true);

    String broken = example("chat.yaml").replace("size: gpu-m", "size: gpu-mm");
    CallToolResult invalid = call("validate_workload", Map.of("yaml", broken));
    assertConforms("validate_workload", invalid);
    assertThat(structured(invalid).get("valid")).isEqualTo(false);
    assertThat((List<String>) structured(invalid).get("problems"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("yaml: Workload/chat: spec.size: tier \"gpu-mm\" does not exist"));
  }

  @Test
  void limitsAreCheckedBeforeTheYamlIsRead() throws IOException {
    String tooMany = (example("chat.yaml") + "---\n").repeat(ManifestTools.MAX_DOCUMENTS);
    assertThat(
            (List<String>)
                error(call("validate_workload", Map.of("yaml", tooMany))).get("problems"))
        .singleElement()
        .asString()
        .startsWith("yaml: holds 51 documents or more, past the 50 one call reads");
    String tooLong = "#".repeat(ManifestTools.MAX_YAML_CHARS + 1);
    assertThat(
            (List<String>) error(call("render_workload", Map.of("yaml", tooLong))).get("problems"))
        .containsExactly("yaml: is 262145 characters, more than the 262144 allowed");
  }

  @Test
  void renderGivesTheCompiledObjects() throws IOException {
    CallToolResult rendered = call("render_workload", Map.of("yaml", example("chat.yaml")));
    assertConforms("render_workload", rendered);
    assertThat((List<String>) structured(rendered).get("objects")).contains("Deployment/chat");
    assertThat((String) structured(rendered).get("yaml")).contains("kind: Deployment");
  }

  @Test
  void badArgumentsOfEveryToolGetAStructuredErrorNamingTheField() {
    for (McpSchema.Tool tool : client.listTools().tools()) {
      Map<String, Object> bogus = new HashMap<>();
      bogus.put("bogus", 1);
      for (String required :
          (List<String>) tool.inputSchema().getOrDefault("required", List.of())) {
        Map<String, Object> problems = error(call(tool.name(), bogus));
        assertThat((List<String>) problems.get("problems"))
            .as(tool.name())
            .contains(required + ": required");
      }
      Map<String, Object> unknown = error(call(tool.name(), bogus));
      assertThat((List<String>) unknown.get("problems"))
          .as(tool.name())
          .anySatisfy(p -> assertThat(p).startsWith("bogus: unknown argument"));
      // The SDK's validator agrees that the input schema refuses it.
      assertThat(validator.validate(inputSchema(tool), bogus).valid()).as(tool.name()).isFalse();
      for (var property : ((Map<String, Object>) tool.inputSchema().get("properties")).entrySet()) {
        Map<String, Object> wrong = Map.of(property.getKey(), List.of("not", "a", "scalar"));
        assertThat((List<String>) error(call(tool.name(), wrong)).get("problems"))
            .as(tool.name())
            .anySatisfy(p -> assertThat(p).startsWith(property.getKey() + ": must be"));
        assertThat(validator.validate(inputSchema(tool), wrong).valid()).isFalse();
      }
    }
  }

  @Test
  void anAgentRestrictedToStagingCannotDeployToProductionByAnyArgument() throws IOException {
    String chat = example("chat.yaml");
    String aimedAtProduction =
        chat.replace("metadata:\n  name: chat", "metadata:\n  name: chat\n  namespace: production");
    for (String yaml : List.of(chat, aimedAtProduction)) {
      Map<String, Object> error =
          error(call("deploy_workload", Map.of("yaml", yaml, "environment", "production")));
      assertThat(error.get("kind")).isEqualTo(ToolError.REFUSED);
      assertThat(error.get("rule")).isEqualTo(StagingOnlyGuardrails.RULE);
      assertThat(error.get("howToAllow")).isEqualTo("add production to the policy");
    }
    for (String spelling : List.of("Production", " production", "production ", "prod/uction", "")) {
      Map<String, Object> error =
          error(call("deploy_workload", Map.of("yaml", chat, "environment", spelling)));
      assertThat(error.get("kind")).as(spelling).isEqualTo(ToolError.INVALID);
      assertThat((List<String>) error.get("problems"))
          .singleElement()
          .asString()
          .startsWith("environment: ");
    }
    assertThat(GUARDRAILS.get(AGENT).audits)
        .anySatisfy(
            audit -> {
              assertThat(audit.tool()).isEqualTo("deploy_workload");
              assertThat(audit.outcome()).startsWith("refused: ");
              assertThat(audit.arguments().get("yaml")).asString().startsWith("<");
            });
  }

  @Test
  void promotionToolsAskTheGuardrailsBeforeTheyRunAnyGate() {
    for (String tool : List.of("run_gates", "promote")) {
      Map<String, Object> error =
          error(call(tool, Map.of("name", "chat", "from", "staging", "to", "production")));
      assertThat(error.get("kind")).as(tool).isEqualTo(ToolError.REFUSED);
      assertThat(error.get("rule")).as(tool).isEqualTo(StagingOnlyGuardrails.RULE);
    }
    // Allowed, but this server was given no router: the gates cannot send their load.
    Map<String, Object> noRouter =
        error(call("run_gates", Map.of("name", "chat", "from", "dev", "to", "staging")));
    assertThat(noRouter.get("kind")).isEqualTo(ToolError.FAILED);
    assertThat((String) noRouter.get("message")).contains("--router URL");
  }

  @Test
  void sandboxToolsAskTheGuardrailsFirst() {
    for (String tool :
        List.of("sandbox_create", "sandbox_suspend", "sandbox_resume", "sandbox_delete")) {
      Map<String, Object> arguments =
          tool.equals("sandbox_create")
              ? Map.of("namespace", "agents", "template", "coder")
              : Map.of("namespace", "agents", "name", "coder-1");
      assertThat(error(call(tool, arguments)).get("rule"))
          .as(tool)
          .isEqualTo("test policy spec.sandboxes");
    }
  }

  @Test
  void aRequestWithoutIdentityIsRefusedClearly() throws Exception {
    String initialize =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    Map<String, String> refusals =
        Map.of(
            "", "no agent identity",
            "Bearer someone-else", "does not authenticate this bearer token");
    for (var refusal : refusals.entrySet()) {
      var request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + http.port() + HttpTransport.ENDPOINT))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json, text/event-stream")
              .POST(HttpRequest.BodyPublishers.ofString(initialize));
      if (!refusal.getKey().isEmpty()) {
        request.header("Authorization", refusal.getKey());
      }
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains(refusal.getValue());
    }
    McpSyncClient anonymous = client(null);
    assertThatThrownBy(anonymous::initialize)
        .hasRootCauseInstanceOf(McpHttpClientTransportAuthorizationException.class);
    anonymous.closeGracefully();
  }

  @Test
  void resourcesOfferTheCatalogTheSchemaAndTheExamples() throws IOException {
    var uris = client.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
    assertThat(uris)
        .contains(
            Resources.TIERS, Resources.WORKLOAD_SCHEMA, Resources.EXAMPLE_PREFIX + "chat.yaml");
    String schema = text(Resources.WORKLOAD_SCHEMA);
    assertThat(schema).contains("\"spec\"").contains("\"size\"");
    assertThat(text(Resources.EXAMPLE_PREFIX + "chat.yaml")).isEqualTo(example("chat.yaml"));
    assertThat(text(Resources.TIERS)).contains("gpu-m");
  }

  @Test
  void theExamplesResourcesListEveryExample() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      assertThat(Resources.EXAMPLES)
          .containsExactlyInAnyOrderElementsOf(
              files
                  .filter(p -> p.toString().endsWith(".yaml"))
                  .map(p -> EXAMPLES.relativize(p).toString())
                  .toList());
    }
  }

  static String text(String uri) {
    return ((McpSchema.TextResourceContents)
            client.readResource(new McpSchema.ReadResourceRequest(uri)).contents().getFirst())
        .text();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  static Map<String, Object> inputSchema(McpSchema.Tool tool) {
    return tool.inputSchema();
  }

  static void assertConforms(String tool, CallToolResult result) {
    McpSchema.Tool described =
        client.listTools().tools().stream()
            .filter(t -> t.name().equals(tool))
            .findFirst()
            .orElseThrow();
    var verdict = validator.validate(described.outputSchema(), result.structuredContent());
    assertThat(verdict.valid()).as("%s: %s", tool, verdict.errorMessage()).isTrue();
  }
}

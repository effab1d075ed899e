package dev.bosun.mcp;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.mcp.guard.Guardrails;
import dev.bosun.operator.client.UserError;
import dev.bosun.operator.client.WatchCache;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Bosun's MCP server on either transport: the tools, the resources, and around every tool call the
 * same steps: arguments checked against the input schema (each problem naming its field), the
 * session's guardrails resolved, the call audited with its outcome, and any failure turned into a
 * structured error, never a stack trace.
 */
public final class BosunMcpServer {
  private static final System.Logger LOG = System.getLogger(BosunMcpServer.class.getName());

  /** How long an audit record keeps a string argument (a YAML manifest is named, not copied). */
  private static final int AUDITED_CHARS = 200;

  /**
   * What the server needs beside its transport.
   *
   * @param sessions the guardrails of each request's agent
   * @param dryRun {@code --dry-run}: writes are server-side dry runs, whatever the policy says
   * @param tiers the tier catalog a session validates and deploys against (the cluster's Tiers)
   * @param version what the server reports as its version
   * @param router the router the promotion gates send their requests through; null when none is
   *     known (run_gates and promote then say so)
   */
  public record Settings(
      Sessions sessions,
      boolean dryRun,
      Function<Guardrails, TierCatalog> tiers,
      String version,
      URI router) {}

  /** The tiers a session validates against: the cluster's, as the agent may read them. */
  public static TierCatalog clusterTiers(Guardrails guardrails) {
    return TierCatalog.of(
        guardrails.agentClient().resources(Tier.class).list(WatchCache.asItStands()).getItems());
  }

  private final Settings settings;
  private final List<BosunTool> tools;

  public BosunMcpServer(Settings settings) {
    this.settings = settings;
    this.tools = new ArrayList<>();
    tools.addAll(ManifestTools.all());
    tools.addAll(WorkloadTools.all());
    tools.addAll(FleetTools.all());
    tools.addAll(SandboxTools.all());
    tools.addAll(PromotionTools.all(settings.router()));
  }

  /** The tools, in the order {@code tools/list} gives them. */
  public List<BosunTool> tools() {
    return List.copyOf(tools);
  }

  /** The server on {@code transport}'s specification (stdio or streamable HTTP). */
  public McpSyncServer build(McpServer.SyncSpecification<?> specification) {
    return specification
        .serverInfo("bosun", settings.version())
        .instructions(
            "Bosun deploys AI workloads on Kubernetes from short Workload specs. Validate and"
                + " render a Workload before deploying it; deploy to staging, read its status,"
                + " then promote. Every call acts as this session's agent and is audited.")
        .capabilities(
            McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
        // The server checks arguments itself (ArgumentCheck), to name the field as the CLI does.
        .validateToolInputs(false)
        .tools(tools.stream().map(this::specification).toList())
        .resources(new Resources(settings).all())
        .build();
  }

  private SyncToolSpecification specification(BosunTool tool) {
    Tool described =
        Tool.builder()
            .name(tool.name())
            .description(tool.description())
            .inputSchema(tool.inputSchema())
            .outputSchema(tool.outputSchema())
            .build();
    return new SyncToolSpecification(
        described,
        (exchange, request) ->
            call(tool, exchange.transportContext(), nonNull(request.arguments())));
  }

  /** One tool call, with its checks, audit and errors: the transport-independent part. */
  CallToolResult call(BosunTool tool, McpTransportContext context, Map<String, Object> arguments) {
    Guardrails guardrails;
    try {
      guardrails = settings.sessions().guardrails(context);
    } catch (ToolError.Failure noAgent) {
      return error(noAgent.error());
    }
    List<String> problems = ArgumentCheck.problems(tool.inputSchema(), arguments);
    if (!problems.isEmpty()) {
      return audited(guardrails, tool, arguments, ToolError.invalid(problems));
    }
    var call = new ToolCall(arguments, guardrails, settings.dryRun(), settings.tiers());
    try {
      BosunTool.Result result = tool.handler().handle(call);
      audit(guardrails, tool, arguments, call.wroteDryRun() ? "allowed (dry run)" : "allowed");
      return CallToolResult.builder()
          .structuredContent(result.structured())
          .addTextContent(result.text())
          .build();
    } catch (ToolError.Failure failure) {
      return audited(guardrails, tool, arguments, failure.error());
    } catch (UserError e) {
      return audited(guardrails, tool, arguments, UserErrors.toToolError(e.getMessage()));
    } catch (KubernetesClientException e) {
      // A 403 is RBAC refusing the impersonated agent: the guardrails name the Role to grant.
      ToolError error =
          guardrails.refusalOf(e).map(ToolError::refused).orElseGet(() -> clusterError(e));
      return audited(guardrails, tool, arguments, error);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "tool " + tool.name() + " failed", e);
      return audited(guardrails, tool, arguments, ToolError.failed("internal error: " + e));
    }
  }

  /** The API server's refusal in its own words: RBAC's "forbidden" names the verb and resource. */
  static ToolError clusterError(KubernetesClientException e) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return ToolError.cluster(
        (e.getCode() == 0 ? "the cluster could not be reached: " : "the cluster refused: ")
            + message);
  }

  private CallToolResult audited(
      Guardrails guardrails, BosunTool tool, Map<String, Object> arguments, ToolError error) {
    audit(guardrails, tool, arguments, error.line());
    return error(error);
  }

  private static CallToolResult error(ToolError error) {
    return CallToolResult.builder()
        .isError(true)
        .structuredContent(error.structured())
        .addTextContent(error.line())
        .build();
  }

  private static void audit(
      Guardrails guardrails, BosunTool tool, Map<String, Object> arguments, String outcome) {
    try {
      guardrails.audit(tool.name(), auditedArguments(arguments), outcome);
    } catch (RuntimeException e) {
      // The call's outcome stands; a lost record is the server's to report, on stderr.
      LOG.log(
          System.Logger.Level.WARNING,
          "the audit record of " + tool.name() + " (" + outcome + ") was not written: " + e);
    }
  }

  static Map<String, Object> auditedArguments(Map<String, Object> arguments) {
    Map<String, Object> kept = new LinkedHashMap<>();
    arguments.forEach(
        (name, value) ->
            kept.put(
                name,
                value instanceof String text && text.length() > AUDITED_CHARS
                    ? "<" + text.length() + " characters>"
                    : value));
    return kept;
  }

  private static Map<String, Object> nonNull(Map<String, Object> arguments) {
    return arguments == null ? Map.of() : arguments;
  }
}

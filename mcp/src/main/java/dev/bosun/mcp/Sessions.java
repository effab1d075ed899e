package dev.bosun.mcp;

import dev.bosun.mcp.guard.AgentIdentity;
import dev.bosun.mcp.guard.Guardrails;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The guardrails a request acts under, from its session's agent: over stdio the one agent of {@code
 * --as}; over HTTP the user whose bearer token the API server reviewed for that request (put in the
 * transport context by {@link HttpTransport}). One {@link Guardrails}, and so one impersonating
 * client, per agent.
 */
public final class Sessions {
  /** Where HTTP requests carry their reviewed agent in the MCP transport context. */
  static final String AGENT = "bosun.agent";

  private final AgentIdentity onlyAgent;
  private final Function<AgentIdentity, Guardrails> guardrailsOf;
  private final Map<AgentIdentity, Guardrails> byAgent = new ConcurrentHashMap<>();

  private Sessions(AgentIdentity onlyAgent, Function<AgentIdentity, Guardrails> guardrailsOf) {
    this.onlyAgent = onlyAgent;
    this.guardrailsOf = guardrailsOf;
  }

  /** One agent for every request: stdio, where the process is the session. */
  public static Sessions of(AgentIdentity agent, Function<AgentIdentity, Guardrails> guardrailsOf) {
    return new Sessions(agent, guardrailsOf);
  }

  /** The agent each request's transport context names: HTTP. */
  public static Sessions perRequest(Function<AgentIdentity, Guardrails> guardrailsOf) {
    return new Sessions(null, guardrailsOf);
  }

  Guardrails guardrails(McpTransportContext context) {
    AgentIdentity agent =
        onlyAgent != null ? onlyAgent : context == null ? null : (AgentIdentity) context.get(AGENT);
    if (agent == null) {
      throw new ToolError.Failure(
          new ToolError(
              ToolError.REFUSED,
              List.of(),
              "identity",
              "send the agent's token as Authorization: Bearer, or start the server with --as",
              "this session has no agent identity, so it may not act on the cluster"));
    }
    return byAgent.computeIfAbsent(agent, guardrailsOf);
  }
}

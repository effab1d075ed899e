package dev.bosun.mcp.guard;

import java.util.List;

/**
 * The Kubernetes user an MCP session acts as, and impersonates: a ServiceAccount ({@code
 * system:serviceaccount:<namespace>:<name>}) or a user, with its groups.
 */
public record AgentIdentity(String user, List<String> groups) {
  public AgentIdentity {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("agent: a user name is required");
    }
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}

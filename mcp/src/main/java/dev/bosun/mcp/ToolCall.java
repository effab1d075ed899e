package dev.bosun.mcp;

import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.mcp.guard.Guardrails;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.function.Function;

/**
 * One call of a tool: its checked arguments, the session's guardrails and whether writes are only
 * dry runs (the server's {@code --dry-run} or the policy's).
 */
record ToolCall(
    Map<String, Object> arguments,
    Guardrails guardrails,
    boolean dryRun,
    Function<Guardrails, TierCatalog> tiers) {

  /** Every cluster call goes through the agent's client: RBAC has the final word. */
  KubernetesClient client() {
    return guardrails.agentClient();
  }

  TierCatalog catalog() {
    return tiers.apply(guardrails);
  }

  String string(String name) {
    return (String) arguments.get(name);
  }

  int integer(String name, int absent) {
    return arguments.get(name) instanceof Number number ? number.intValue() : absent;
  }

  boolean flag(String name) {
    return Boolean.TRUE.equals(arguments.get(name));
  }
}

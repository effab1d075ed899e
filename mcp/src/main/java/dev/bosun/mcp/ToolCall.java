package dev.bosun.mcp;

import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.mcp.guard.Guardrails;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.function.Function;

/**
 * One call of a tool: its checked arguments, the session's guardrails and whether writes are only
 * dry runs (the server's {@code --dry-run} or the policy's, asked only by the tools that write: the
 * policy is read from the cluster).
 */
final class ToolCall {
  private final Map<String, Object> arguments;
  private final Guardrails guardrails;
  private final boolean serverDryRun;
  private final Function<Guardrails, TierCatalog> tiers;
  private Boolean dryRun;

  ToolCall(
      Map<String, Object> arguments,
      Guardrails guardrails,
      boolean serverDryRun,
      Function<Guardrails, TierCatalog> tiers) {
    this.arguments = arguments;
    this.guardrails = guardrails;
    this.serverDryRun = serverDryRun;
    this.tiers = tiers;
  }

  Guardrails guardrails() {
    return guardrails;
  }

  /** Every cluster call goes through the agent's client: RBAC has the final word. */
  KubernetesClient client() {
    return guardrails.agentClient();
  }

  TierCatalog catalog() {
    return tiers.apply(guardrails);
  }

  /** Whether this call's writes are only checked: asked once, by a tool that writes. */
  boolean dryRun() {
    if (dryRun == null) {
      dryRun = serverDryRun || guardrails.dryRun();
    }
    return dryRun;
  }

  /** Whether a write of this call was a dry run, for its audit record. */
  boolean wroteDryRun() {
    return Boolean.TRUE.equals(dryRun);
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

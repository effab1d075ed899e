package dev.bosun.mcp.guard;

/** Whether a guardrail lets a call through; a refusal says which rule and how to allow it. */
public sealed interface Verdict {

  /** The call may go on. */
  record Allowed() implements Verdict {}

  /**
   * The call is refused.
   *
   * @param rule the rule that refused it, such as {@code DeploymentAgentPolicy/ci-agent
   *     spec.environments}
   * @param reason why, in one sentence
   * @param howToAllow what a person changes to allow it
   */
  record Refused(String rule, String reason, String howToAllow) implements Verdict {}

  Verdict ALLOWED = new Allowed();
}

package dev.bosun.mcp.guard;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A call the API server refused with 403 as the impersonated agent: the policy allowed it, RBAC did
 * not, and RBAC has the final word. The refusal names RBAC, quotes the API server, and says which
 * Role a person grants.
 */
public final class RbacRefusal {
  /**
   * The API server's words: {@code User "u" cannot patch resource "workloads" in API group ...}.
   */
  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "User \"([^\"]+)\" cannot (\\S+) resource \"([^\"]+)\""
              + "(?: in API group \"([^\"]*)\")?(?: in the namespace \"([^\"]+)\")?");

  private RbacRefusal() {}

  /**
   * The refusal, if the API server answered 403.
   *
   * @param code the HTTP status of the API server's answer
   * @param apiServerMessage its message
   */
  public static Optional<Verdict.Refused> of(
      AgentIdentity agent, int code, String apiServerMessage) {
    return code == 403 ? Optional.of(refusal(agent, apiServerMessage)) : Optional.empty();
  }

  private static Verdict.Refused refusal(AgentIdentity agent, String apiServerMessage) {
    Matcher m = FORBIDDEN.matcher(apiServerMessage == null ? "" : apiServerMessage);
    String howToAllow;
    if (m.find()) {
      String resource =
          m.group(4) == null || m.group(4).isEmpty() ? m.group(3) : m.group(3) + "." + m.group(4);
      howToAllow =
          "grant "
              + m.group(1)
              + " '"
              + m.group(2)
              + "' on "
              + resource
              + (m.group(5) == null
                  ? " with a ClusterRole and ClusterRoleBinding"
                  : " in namespace " + m.group(5) + " with a Role and RoleBinding")
              + " (kubectl create role/rolebinding ...); Bosun's policy already allows the call";
    } else {
      howToAllow =
          "grant "
              + agent.user()
              + " the verb the API server names with a Role and RoleBinding;"
              + " Bosun's policy already allows the call";
    }
    return new Verdict.Refused(
        "RBAC",
        "the API server refused the agent "
            + agent.user()
            + " (RBAC has the final word): "
            + apiServerMessage,
        howToAllow);
  }
}

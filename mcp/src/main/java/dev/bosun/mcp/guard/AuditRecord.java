package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.Reasons;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One tool call as its audit Event says it: the reason (from the outcome) and a bounded message
 * with the agent, the tool, its arguments and the outcome. Nested arguments (a Workload, a list of
 * env vars) are summarised by their size, not copied: they may carry literal values nobody meant
 * for an Event.
 */
public record AuditRecord(String reason, boolean warning, String message) {

  /** The longest value of one argument in the message. */
  static final int MAX_VALUE = 80;

  /** The longest message; the API server's Event messages are meant to be short. */
  static final int MAX_MESSAGE = 1024;

  public static AuditRecord of(
      AgentIdentity agent, String tool, Map<String, Object> arguments, String outcome) {
    String reason = reason(outcome);
    String message =
        "agent "
            + agent.user()
            + " called "
            + tool
            + " "
            + summary(arguments)
            + ": "
            + (outcome == null ? "" : outcome);
    return new AuditRecord(
        reason, !reason.equals(Reasons.AGENT_CALL_ALLOWED), shorten(message, MAX_MESSAGE));
  }

  static String reason(String outcome) {
    String said = outcome == null ? "" : outcome.strip();
    if (said.startsWith("refused")) {
      return Reasons.AGENT_CALL_REFUSED;
    }
    if (said.startsWith("failed")) {
      return Reasons.AGENT_CALL_FAILED;
    }
    if (said.startsWith("dry run")) {
      return Reasons.AGENT_CALL_DRY_RUN;
    }
    return Reasons.AGENT_CALL_ALLOWED;
  }

  /** {@code {name=value, ...}} in key order, each value at most {@link #MAX_VALUE} characters. */
  static String summary(Map<String, Object> arguments) {
    if (arguments == null || arguments.isEmpty()) {
      return "{}";
    }
    return new TreeMap<>(arguments)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + value(e.getValue()))
            .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String value(Object value) {
    return switch (value) {
      case null -> "null";
      case Map<?, ?> map -> "{" + map.size() + " fields}";
      case Collection<?> list -> "[" + list.size() + " items]";
      default -> shorten(String.valueOf(value).replaceAll("\\s+", " "), MAX_VALUE);
    };
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}

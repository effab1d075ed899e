package dev.bosun.mcp;

import dev.bosun.mcp.guard.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a tool call did not do its work, as the agent receives it: the structured content of an
 * {@code isError} result. {@code kind} says who refused: {@code invalid} (the arguments or the YAML
 * they carry, each problem naming its field), {@code refused} (a guardrail, naming its rule and how
 * a person allows the call), {@code cluster} (the API server, RBAC included) or {@code failed}.
 */
public record ToolError(
    String kind, List<String> problems, String rule, String howToAllow, String message) {
  public static final String INVALID = "invalid";
  public static final String REFUSED = "refused";
  public static final String CLUSTER = "cluster";
  public static final String FAILED = "failed";

  public ToolError {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /** Bad arguments: each problem is {@code field.path: what is wrong}. */
  public static ToolError invalid(List<String> problems) {
    return new ToolError(
        INVALID,
        problems,
        null,
        null,
        problems.size() == 1 ? problems.getFirst() : problems.size() + " problems");
  }

  public static ToolError invalid(String field, String message) {
    return invalid(List.of(field + ": " + message));
  }

  public static ToolError refused(Verdict.Refused refused) {
    return new ToolError(
        REFUSED,
        List.of(),
        refused.rule(),
        refused.howToAllow(),
        "refused by " + refused.rule() + ": " + refused.reason());
  }

  public static ToolError cluster(String message) {
    return new ToolError(CLUSTER, List.of(), null, null, message);
  }

  public static ToolError failed(String message) {
    return new ToolError(FAILED, List.of(), null, null, message);
  }

  /** The one line an agent reads first, and the audit record's outcome. */
  public String line() {
    String text = kind + ": " + message;
    if (problems.size() > 1) {
      text += ": " + String.join("; ", problems);
    }
    return howToAllow == null ? text : text + " (to allow: " + howToAllow + ")";
  }

  /** The structured content: {@code {"error": {...}}}, absent fields left out. */
  public Map<String, Object> structured() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("kind", kind);
    error.put("message", message);
    if (!problems.isEmpty()) {
      error.put("problems", problems);
    }
    if (rule != null) {
      error.put("rule", rule);
    }
    if (howToAllow != null) {
      error.put("howToAllow", howToAllow);
    }
    return Map.of("error", error);
  }

  /** Thrown by a tool's handler; the server turns it into the error result. */
  public static final class Failure extends RuntimeException {
    private final ToolError error;

    public Failure(ToolError error) {
      super(error.line(), null, false, false);
      this.error = error;
    }

    public ToolError error() {
      return error;
    }
  }
}

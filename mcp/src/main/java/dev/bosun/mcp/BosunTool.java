package dev.bosun.mcp;

import java.util.Map;

/**
 * One tool the server offers: its name, what it does, the JSON schemas of its arguments and of its
 * result, and what it does with a call. A handler returns its result or throws {@link
 * ToolError.Failure}; the server checks the arguments, resolves the session's guardrails and audits
 * the call around it.
 */
record BosunTool(
    String name,
    String description,
    Map<String, Object> inputSchema,
    Map<String, Object> outputSchema,
    Handler handler) {

  /** What a tool does with a call whose arguments fit its input schema. */
  @FunctionalInterface
  interface Handler {
    Result handle(ToolCall call);
  }

  /** The structured content, matching the output schema, and a short text for a person. */
  record Result(Map<String, Object> structured, String text) {}
}

package dev.bosun.mcp;

import java.util.List;
import java.util.Map;

/**
 * The operator client's {@code UserError}s, written for the CLI's flags ({@code --env: environment
 * "prod" does not exist}), as tool errors naming the tool's argument ({@code environment: ...}).
 */
final class UserErrors {
  private static final Map<String, String> ARGUMENT_OF_FLAG =
      Map.of(
          "--env", "environment",
          "--template", "template",
          "--pool", "pool",
          "--from", "from",
          "--to", "to",
          "--node", "node");

  private UserErrors() {}

  static ToolError toToolError(String message) {
    int colon = message.indexOf(": ");
    if (colon > 0) {
      String argument = ARGUMENT_OF_FLAG.get(message.substring(0, colon));
      if (argument != null) {
        return ToolError.invalid(argument, message.substring(colon + 2));
      }
    }
    return ToolError.invalid(List.of(message));
  }
}

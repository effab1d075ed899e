package dev.bosun.cli.deploy;

import dev.bosun.cli.sandbox.SandboxCommand;
import dev.bosun.operator.client.UserError;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/**
 * {@code --router URL}: the router the promotion gates send their requests through, for {@code
 * bosun promote} and {@code bosun mcp}; else {@code $BOSUN_ROUTER_URL}, else the local cluster's.
 */
public final class GateRouterOption {
  @Option(
      names = "--router",
      paramLabel = "URL",
      description =
          "The router the promotion gates send their requests through; else $BOSUN_ROUTER_URL or"
              + " the local cluster's (<home>/router-url, written by bosun dev router). Needed"
              + " only when the target Environment has spec.promotion.gates.")
  String router;

  /** The router's URL, or null when none is known; a malformed one is a UserError. */
  public URI resolve() {
    String url = SandboxCommand.configuredRouter(router).orElse(null);
    if (url == null) {
      return null;
    }
    try {
      URI parsed = new URI(url);
      if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
        throw new UserError("--router: must be an http or https URL, got " + url);
      }
      return parsed;
    } catch (URISyntaxException e) {
      throw new UserError("--router: not a URL: " + url);
    }
  }
}

package dev.bosun.cli.mcp;

import dev.bosun.cli.deploy.ClusterOptions;
import dev.bosun.cli.deploy.GateRouterOption;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.mcp.BosunMcpServer;
import dev.bosun.mcp.HttpTransport;
import dev.bosun.mcp.Sessions;
import dev.bosun.mcp.StdioTransport;
import dev.bosun.mcp.TokenAgents;
import dev.bosun.mcp.guard.AgentIdentity;
import dev.bosun.mcp.guard.Guardrails;
import dev.bosun.mcp.guard.PolicyGuardrails;
import dev.bosun.operator.client.UserError;
import dev.bosun.router.TokenReviewer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun mcp}: the MCP server for deployment agents, over stdio or streamable HTTP. */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve Bosun to a coding agent over the Model Context Protocol: tools that list tiers,"
          + " validate, render and deploy Workloads, report their status and events, the GPU"
          + " fleet's health and agent sandboxes; resources for the tier catalog, the Workload"
          + " schema and the examples. Every call acts as the agent (impersonation: RBAC has the"
          + " last word), passes its DeploymentAgentPolicy, and is recorded as an Event.",
      "stdio (the default) serves one agent, named by --as; --http PORT serves many, each"
          + " request as the user of its Authorization: Bearer token (a TokenReview). Logs go to"
          + " stderr only.",
      "Example: bosun mcp --as system:serviceaccount:agents:coder --kubeconfig ~/.bosun/dev/kubeconfig"
    })
public final class McpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;
  @Mixin GateRouterOption gateRouter;

  @Option(
      names = "--as",
      paramLabel = "USER",
      description =
          "stdio: the agent to act as, a ServiceAccount (system:serviceaccount:NS:NAME) or a user;"
              + " required without --http.")
  String agent;

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "Serve streamable HTTP at http://ADDRESS:PORT/mcp instead of stdio.")
  Integer httpPort;

  @Option(
      names = "--address",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "With --http: the address to bind; default ${DEFAULT-VALUE}.")
  String address;

  @Option(
      names = "--token-audience",
      paramLabel = "AUDIENCE",
      description =
          "With --http: review tokens for this audience (repeatable); the API server's own when absent.")
  List<String> tokenAudiences = List.of();

  @Option(
      names = "--dry-run",
      description = "Writes are server-side dry runs: checked by the cluster, never stored.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (httpPort == null && (agent == null || agent.isBlank())) {
      err.println(
          "bosun mcp: --as: required over stdio (the agent this session acts as, such as"
              + " system:serviceaccount:agents:coder); or serve --http PORT, where each request's"
              + " bearer token names its agent");
      return ExitCodes.INVALID_INPUT;
    }
    if (httpPort != null && agent != null) {
      err.println(
          "bosun mcp: --as: not with --http, where each request's bearer token names its agent");
      return ExitCodes.INVALID_INPUT;
    }
    if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
      err.println("bosun mcp: --http: " + httpPort + " is not a port (0 to 65535)");
      return ExitCodes.INVALID_INPUT;
    }
    URI router;
    try {
      router = gateRouter.resolve();
    } catch (UserError e) {
      err.println("bosun mcp: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    try (KubernetesClient client = cluster.client()) {
      Function<AgentIdentity, Guardrails> guardrails =
          identity -> PolicyGuardrails.forSession(client, identity, dryRun);
      // The jar's version, as `bosun --version` gives it; "development" when run from classes.
      String version =
          Objects.requireNonNullElse(
              McpCommand.class.getPackage().getImplementationVersion(), "development");
      if (httpPort == null) {
        // The protocol owns standard output; anything else printed goes to standard error.
        PrintStream protocol = System.out;
        System.setOut(System.err);
        var server =
            server(Sessions.of(new AgentIdentity(agent, List.of()), guardrails), version, router);
        StdioTransport.serve(server, new FileInputStream(FileDescriptor.in), protocol);
        return ExitCodes.OK;
      }
      var server = server(Sessions.perRequest(guardrails), version, router);
      try (HttpTransport http =
          HttpTransport.start(
              server,
              address,
              httpPort,
              new TokenAgents(new TokenReviewer(client, tokenAudiences)))) {
        err.println(
            "bosun mcp: serving http://"
                + address
                + ":"
                + http.port()
                + HttpTransport.ENDPOINT
                + (dryRun ? " (dry run)" : ""));
        err.flush();
        http.join();
      }
      return ExitCodes.OK;
    }
  }

  private BosunMcpServer server(Sessions sessions, String version, URI router) {
    return new BosunMcpServer(
        new BosunMcpServer.Settings(
            sessions, dryRun, BosunMcpServer::clusterTiers, version, router));
  }
}

package dev.bosun.cli.router;

import dev.bosun.agent.AgentCommand;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.router.RouterMain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun router}: the sandbox router, until stopped. */
@Command(
    name = "router",
    mixinStandardHelpOptions = true,
    description = {
      "Run the sandbox router: /sandboxes/<namespace>/<name>/<path> to the sandbox's pod (HTTP/1.1"
          + " and WebSocket), for the sandbox's own token or a service account allowed to create"
          + " sandboxes/proxy; resumes a suspended sandbox on a request; /healthz and /metrics."
          + " Plain HTTP: terminate TLS in front of it.",
      "Example: bosun router --kubeconfig ~/.bosun/dev/kubeconfig --pod-network ~/.bosun/dev/pod-network"
    })
public final class RouterCommand implements Callable<Integer> {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "The kubeconfig to use; fabric8's default resolution (in-cluster included) when absent.")
  Path kubeconfig;

  @Option(
      names = "--port",
      defaultValue = RouterMain.Settings.DEFAULT_PORT,
      paramLabel = "PORT",
      description =
          "Port of the router (plain HTTP), /healthz and /metrics; default ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--pod-network",
      paramLabel = "DIR",
      description =
          "Local cluster only: dial the address in DIR/<podIP>_<port> (127.0.0.1:<port>) instead of the pod.")
  Path podNetwork;

  @Option(
      names = "--wake-timeout",
      defaultValue = RouterMain.Settings.DEFAULT_WAKE_TIMEOUT,
      paramLabel = "DURATION",
      converter = AgentCommand.DurationConverter.class,
      description =
          "How long a request waits for its sandbox to become Ready (then 503); default ${DEFAULT-VALUE}.")
  Duration wakeTimeout;

  @Option(
      names = "--activity-interval",
      defaultValue = RouterMain.Settings.DEFAULT_ACTIVITY_INTERVAL,
      paramLabel = "DURATION",
      converter = AgentCommand.DurationConverter.class,
      description =
          "How often a sandbox's last-activity annotation is written, at most; default ${DEFAULT-VALUE}.")
  Duration activityInterval;

  @Option(
      names = "--token-audience",
      paramLabel = "AUDIENCE",
      description =
          "Review service-account tokens for this audience (repeatable); the API server's own when absent.")
  List<String> tokenAudiences = List.of();

  @Option(
      names = "--scaler-port",
      defaultValue = RouterMain.Settings.DEFAULT_SCALER_PORT,
      paramLabel = "PORT",
      description =
          "Port of KEDA's external push scaler (gRPC), served in this process; default ${DEFAULT-VALUE}.")
  int scalerPort;

  @Option(
      names = "--hold-max",
      defaultValue = RouterMain.Settings.DEFAULT_HOLD_MAX,
      paramLabel = "N",
      description =
          "Requests held at once, at most, per Workload with no Ready pod (then 503); default ${DEFAULT-VALUE}.")
  int holdMax;

  @Option(
      names = "--hold-timeout",
      defaultValue = RouterMain.Settings.DEFAULT_HOLD_TIMEOUT,
      paramLabel = "DURATION",
      converter = AgentCommand.DurationConverter.class,
      description =
          "How long a request waits for a Ready pod of its Workload (then 503); default ${DEFAULT-VALUE}.")
  Duration holdTimeout;

  @Option(
      names = "--scrape-interval",
      defaultValue = RouterMain.Settings.DEFAULT_SCRAPE_INTERVAL,
      paramLabel = "DURATION",
      converter = AgentCommand.DurationConverter.class,
      description =
          "How often the scaler reads the Workloads' pods' /metrics; default ${DEFAULT-VALUE}.")
  Duration scrapeInterval;

  @Option(
      names = "--agent-namespace",
      defaultValue = RouterMain.Settings.DEFAULT_AGENT_NAMESPACE,
      paramLabel = "NAMESPACE",
      description =
          "The node agents' namespace, where the scaler finds each GPU node's agent for the gpu"
              + " signal; default ${DEFAULT-VALUE}.")
  String agentNamespace;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    RouterMain.Settings settings;
    try {
      settings =
          new RouterMain.Settings(
              kubeconfig,
              port,
              podNetwork,
              wakeTimeout,
              activityInterval,
              tokenAudiences,
              scalerPort,
              holdMax,
              holdTimeout,
              scrapeInterval,
              agentNamespace);
    } catch (RouterMain.InvalidSettings e) {
      spec.commandLine().getErr().println("bosun router: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    try {
      RouterMain.run(settings, spec.commandLine().getErr());
    } catch (RouterMain.MissingCrdException e) {
      spec.commandLine().getErr().println("bosun router: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      spec.commandLine().getErr().println("bosun router: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }
}

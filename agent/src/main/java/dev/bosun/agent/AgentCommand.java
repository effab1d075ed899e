package dev.bosun.agent;

import dev.bosun.gpu.ExitCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code bosun agent}, and the agent's own main: the node agent, as the DaemonSet runs it on every
 * GPU node, or with simulated GPUs on a laptop. It runs until stopped (SIGTERM, Ctrl-C). The one
 * parser of the agent's options; their defaults and rules are {@link AgentOptions}'.
 *
 * <p>Exit codes: 0 stopped, 1 could not start (no GPU, unreachable port, bad kubeconfig), 2 invalid
 * options.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Watch this node's GPUs (NVML, else nvidia-smi) and kernel log (/dev/kmsg); keep the GpuNodeHealth named after"
          + " the node and the Node condition GpuHealthy up to date; serve /metrics (dcgm-exporter names) and /healthz.",
      "Example: bosun agent --simulate 8 --node gpu-node-0000 --kubeconfig ~/.bosun/dev/kubeconfig"
    })
public final class AgentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      defaultValue = "${env:" + AgentOptions.NODE_NAME_ENV + "}",
      description = "The Node to publish for; $NODE_NAME when absent (the DaemonSet sets it).")
  String node;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "The kubeconfig to use; fabric8's default resolution (in-cluster included) when absent.")
  Path kubeconfig;

  @Option(
      names = "--port",
      defaultValue = AgentOptions.DEFAULT_PORT,
      paramLabel = "PORT",
      description =
          "Port of /metrics and /healthz (dcgm-exporter's); 0 picks a free one; default ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--interval",
      defaultValue = AgentOptions.DEFAULT_INTERVAL,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Sampling period (500ms, 1s, 2m); default ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(
      names = "--heartbeat",
      defaultValue = AgentOptions.DEFAULT_HEARTBEAT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Longest time between writes when nothing changes; default ${DEFAULT-VALUE}.")
  Duration heartbeat;

  @Option(
      names = "--simulate",
      paramLabel = "GPUS",
      description =
          "Simulated H100s instead of the real GPUs (1 to 64), with their own kernel log.")
  Integer simulate;

  @Option(
      names = "--kmsg",
      paramLabel = "PATH",
      description =
          "Kernel log: /dev/kmsg (the default on a real node) or a file of kmsg records to tail.")
  Path kmsg;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where the kernel-log cursor is kept; /var/lib/bosun-agent, or a temporary directory when simulating.")
  Path stateDir;

  @Option(
      names = "--offline",
      description = "Publish nothing to a cluster; serve /metrics and /healthz only.")
  boolean offline;

  @Override
  public Integer call() {
    AgentOptions options;
    try {
      options =
          new AgentOptions(
              node, kubeconfig, port, interval, heartbeat, simulate, kmsg, stateDir, offline);
    } catch (AgentOptions.InvalidOption e) {
      spec.commandLine().getErr().println("bosun agent: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    return AgentMain.run(options, spec.commandLine().getErr());
  }

  /**
   * Reads 500ms, 1s, 2m or PT1S; a bad value is a usage error (exit 2), which picocli reports with
   * the option's name.
   */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return AgentOptions.duration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}

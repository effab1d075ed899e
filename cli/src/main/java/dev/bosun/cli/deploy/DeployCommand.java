package dev.bosun.cli.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun deploy}: a Workload into an Environment, through the operator. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description =
        "Apply Workloads to an Environment; with --wait, follow them until Ready or failed.")
public final class DeployCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "A file of Workloads.")
  Path file;

  @Option(
      names = "--env",
      required = true,
      paramLabel = "NAME",
      description = "The Environment, such as staging.")
  String environment;

  @Option(
      names = "--wait",
      description = "Show progress until every Workload is Ready, or say why it failed.")
  boolean wait;

  @Option(
      names = "--timeout",
      defaultValue = "300",
      paramLabel = "SECONDS",
      description = "How long --wait waits; default ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Override
  public Integer call() {
    return cluster
        .actions(spec)
        .deploy(file.toString(), environment, wait, Duration.ofSeconds(timeoutSeconds));
  }
}

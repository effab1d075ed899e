package dev.bosun.cli.deploy;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bosun delete}: a Workload and, through garbage collection, everything made for it. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete a Workload from an Environment.")
public final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(paramLabel = "NAME", description = "The Workload.")
  String name;

  @Option(
      names = "--env",
      required = true,
      paramLabel = "NAME",
      description = "The Environment it runs in.")
  String environment;

  @Override
  public Integer call() {
    return cluster.actions(spec).delete(name, environment);
  }
}

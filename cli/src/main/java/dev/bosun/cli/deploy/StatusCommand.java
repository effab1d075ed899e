package dev.bosun.cli.deploy;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bosun status}: Workloads as the operator reports them. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show Workloads: environment, tier, ready/desired, GPUs, nodes and conditions.")
public final class StatusCommand implements Callable<Integer> {
  enum Format {
    table,
    json
  }

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "One Workload; every Workload when absent.")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Only this namespace; every namespace when absent.")
  String namespace;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "table or json; default ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() {
    return cluster.actions(spec).status(name, namespace, format == Format.json);
  }
}

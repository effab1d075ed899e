package dev.bosun.cli.deploy;

import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.cli.Inputs;
import dev.bosun.cli.Problems;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ReadResult;
import java.time.Duration;
import java.util.List;
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
      description = "A file of Workloads, or - for standard input.")
  String file;

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
    ReadResult read = new Inputs().objects(List.of(file));
    List<Workload> workloads = read.objectsOf(Workload.class);
    if (read.problems().isEmpty() && workloads.size() != read.manifests().size()) {
      read = read.plus(notOnlyWorkloads());
    }
    if (!read.problems().isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), read.problems());
    }
    return cluster
        .actions(spec)
        .deploy(file, workloads, environment, wait, Duration.ofSeconds(timeoutSeconds));
  }

  private ReadResult notOnlyWorkloads() {
    return new ReadResult(
        List.of(),
        List.of(
            ManifestProblem.of(
                file, null, new FieldError("", "bosun deploy takes Workloads only"))));
  }
}

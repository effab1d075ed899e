package dev.bosun.cli;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.compiler.manifest.TierCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun validate}: every problem of every file at once, and nothing else. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check Workloads, Tiers and Environments, reporting every problem at once.")
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "A file, a directory of .yaml files, or - for standard input. Repeatable.")
  List<String> files;

  @Option(names = "--tiers", paramLabel = "DIR|FILE", description = "Tiers to check Workloads against instead of the default catalog.")
  String tiers;

  @Option(names = "--env", paramLabel = "FILE", description = "An Environment whose policies Workloads must follow.")
  String environment;

  @Override
  public Integer call() {
    Inputs inputs = new Inputs(System.in);
    List<ManifestProblem> problems = new ArrayList<>();
    TierCatalog catalog = inputs.tiers(tiers, problems);
    Environment env = inputs.environment(environment, problems);
    ReadResult read = inputs.read(files);
    problems.addAll(read.problems());
    // Tiers in the files themselves count too, so a Workload can be checked beside its new Tier.
    List<Tier> known = new ArrayList<>(catalog.all());
    known.addAll(read.objectsOf(Tier.class));
    problems.addAll(Renderer.render(read.manifests(), TierCatalog.of(known), env).problems());
    if (!problems.isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), problems);
    }
    spec.commandLine().getOut().println(read.manifests().size() + " objects valid");
    return ExitCodes.OK;
  }
}

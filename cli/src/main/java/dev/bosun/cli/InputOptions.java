package dev.bosun.cli;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.TierCatalog;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The inputs of {@code render} and {@code validate}: files of objects, the tiers, the Environment.
 */
final class InputOptions {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "A file, a directory of .yaml/.yml files, or - for standard input. Repeatable.")
  List<String> files;

  @Option(
      names = "--tiers",
      paramLabel = "DIR|FILE",
      description = "Tiers to use instead of the default catalog.")
  String tiers;

  @Option(
      names = "--env",
      paramLabel = "FILE",
      description = "An Environment whose namespace and policies apply.")
  String environment;

  /** Everything the options name, read, with every problem found on the way. */
  record Read(
      TierCatalog catalog,
      Environment environment,
      ReadResult objects,
      List<ManifestProblem> problems) {}

  Read read() {
    Inputs inputs = new Inputs();
    List<ManifestProblem> problems = new ArrayList<>();
    TierCatalog catalog = inputs.tiers(tiers, problems);
    Environment env = inputs.environment(environment, problems);
    ReadResult objects = inputs.objects(files);
    problems.addAll(objects.problems());
    return new Read(catalog, env, objects, problems);
  }
}

package dev.bosun.cli;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.Output;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.compiler.manifest.TierCatalog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun render}: the Kubernetes objects that Workloads compile to, without a cluster. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Print the Kubernetes objects that Workloads compile to.")
final class RenderCommand implements Callable<Integer> {
  enum Format { yaml, json }

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "A file of Workloads, a directory of such files, or - for standard input. Repeatable.")
  List<String> files;

  @Option(names = "--tiers", paramLabel = "DIR|FILE", description = "Tiers to use instead of the default catalog.")
  String tiers;

  @Option(names = "--env", paramLabel = "FILE", description = "An Environment whose namespace and policies apply.")
  String environment;

  @Option(names = {"-o", "--output"}, defaultValue = "yaml", paramLabel = "FORMAT",
      description = "yaml (multi-document) or json (one v1 List); default ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() {
    Inputs inputs = new Inputs(System.in);
    List<ManifestProblem> problems = new ArrayList<>();
    TierCatalog catalog = inputs.tiers(tiers, problems);
    Environment env = inputs.environment(environment, problems);
    ReadResult read = inputs.read(files);
    problems.addAll(read.problems());
    Renderer.Rendered rendered = Renderer.render(read.manifests(), catalog, env);
    problems.addAll(rendered.problems());
    if (!problems.isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), problems);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(format == Format.json ? Output.jsonList(rendered.objects()) : Output.yaml(rendered.objects()));
    out.flush();
    return ExitCodes.OK;
  }
}

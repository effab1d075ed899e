package dev.bosun.cli;

import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.manifest.LimitExceededException;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.Output;
import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.gpu.ExitCodes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun render}: the Kubernetes objects that Workloads compile to, without a cluster. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = "Print the Kubernetes objects that Workloads compile to.")
final class RenderCommand implements Callable<Integer> {
  enum Format {
    yaml,
    json
  }

  @Spec CommandSpec spec;

  @Mixin InputOptions inputs;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "yaml",
      paramLabel = "FORMAT",
      description = "yaml (multi-document) or json (one v1 List); default ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() {
    InputOptions.Read read = inputs.read();
    Renderer.Rendered rendered =
        Renderer.render(read.objects().manifests(), read.catalog(), read.environment());
    read.problems().addAll(rendered.problems());
    if (!read.problems().isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), read.problems());
    }
    String text;
    try {
      text =
          format == Format.json
              ? Output.jsonList(rendered.objects())
              : Output.yaml(rendered.objects());
    } catch (LimitExceededException e) {
      return Problems.report(
          spec.commandLine().getErr(),
          List.of(ManifestProblem.of("<stdout>", null, new FieldError("", e.getMessage()))));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(text);
    out.flush();
    return ExitCodes.OK;
  }
}

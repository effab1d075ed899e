package dev.bosun.cli;

import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.gpu.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bosun validate}: every problem of every file at once, and nothing else. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check Workloads, Tiers and Environments, reporting every problem at once.")
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputOptions inputs;

  @Override
  public Integer call() {
    InputOptions.Read read = inputs.read();
    read.problems().addAll(Renderer.validate(read.objects(), read.catalog(), read.environment()));
    if (!read.problems().isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), read.problems());
    }
    spec.commandLine().getOut().println(read.objects().manifests().size() + " objects valid");
    return ExitCodes.OK;
  }
}

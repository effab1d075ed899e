package dev.bosun.cli;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.gpu.ExitCodes;
import java.util.ArrayList;
import java.util.List;
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
    // Tiers in the files themselves count too, so a Workload can be checked beside its new Tier.
    List<Tier> known = new ArrayList<>(read.catalog().all());
    known.addAll(read.objects().objectsOf(Tier.class));
    read.problems()
        .addAll(
            Renderer.render(read.objects().manifests(), TierCatalog.of(known), read.environment())
                .problems());
    if (!read.problems().isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), read.problems());
    }
    spec.commandLine().getOut().println(read.objects().manifests().size() + " objects valid");
    return ExitCodes.OK;
  }
}

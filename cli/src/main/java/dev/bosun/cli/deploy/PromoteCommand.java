package dev.bosun.cli.deploy;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.operator.client.UserError;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bosun promote}: what was tested, pinned by digest, into the next Environment. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description =
        "Copy a Ready Workload to another Environment, its image pinned to its digest, once the"
            + " target Environment's promotion gates pass against it where it runs.")
public final class PromoteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(paramLabel = "NAME", description = "The Workload.")
  String name;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "ENV",
      description = "Where it was tested, such as staging.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ENV",
      description = "Where it goes, such as production.")
  String to;

  @Mixin GateRouterOption router;

  @Override
  public Integer call() {
    URI url;
    try {
      url = router.resolve();
    } catch (UserError e) {
      spec.commandLine().getErr().println("bosun: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    return cluster.actions(spec).promote(name, from, to, url);
  }
}

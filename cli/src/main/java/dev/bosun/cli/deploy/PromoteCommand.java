package dev.bosun.cli.deploy;

import dev.bosun.cli.sandbox.SandboxCommand;
import dev.bosun.gpu.ExitCodes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
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

  @Option(
      names = "--router",
      paramLabel = "URL",
      description =
          "The router the promotion gates send their requests through; else $BOSUN_ROUTER_URL or"
              + " the local cluster's (<home>/router-url, written by bosun dev router). Needed"
              + " only when the target Environment has spec.promotion.gates.")
  String router;

  @Override
  public Integer call() {
    String url =
        router != null
            ? router
            : Optional.ofNullable(System.getenv("BOSUN_ROUTER_URL"))
                .or(SandboxCommand::localRouter)
                .orElse(null);
    URI parsed;
    try {
      parsed = url == null ? null : new URI(url);
    } catch (URISyntaxException e) {
      spec.commandLine().getErr().println("bosun: --router: not a URL: " + url);
      return ExitCodes.INVALID_INPUT;
    }
    return cluster.actions(spec).promote(name, from, to, parsed);
  }
}

package dev.bosun.cli.gpu;

import dev.bosun.cli.InputFiles;
import dev.bosun.cli.deploy.ClusterOptions;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.explain.Explain;
import dev.bosun.gpu.inspect.Inspect;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bosun gpu}: look at GPUs and their faults from the node's side; reset the cluster's
 * quarantine circuit breaker.
 *
 * <p>Exit codes: 0 ok, 1 internal error, 2 invalid input (usage, unreadable file), 3 no GPU to
 * inspect ({@link ExitCodes}).
 */
@Command(
    name = "gpu",
    mixinStandardHelpOptions = true,
    description =
        "Explain GPU faults in a kernel log; inspect the local GPUs; reset the quarantine breaker.",
    subcommands = {
      GpuCommand.ExplainCommand.class,
      GpuCommand.InspectCommand.class,
      GpuCommand.BreakerCommand.class
    })
public final class GpuCommand {

  /** {@code bosun gpu explain [FILE|-]}. */
  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description = {
        "Read kernel log text (/dev/kmsg records, dmesg or syslog/journal lines, mixed) and print one JSON object per"
            + " GPU fault: pci, uuid, xid (null when a GPU fell off the bus without one), class, action, text.",
        "Example: dmesg | bosun gpu explain"
      })
  static final class ExplainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "FILE|-",
        description = "Kernel log to read; - or nothing for standard input.")
    String file;

    @Override
    public Integer call() {
      String name = file == null ? "-" : file;
      PrintWriter err = spec.commandLine().getErr();
      Explain.Summary summary;
      try (InputStream in = InputFiles.open(name)) {
        summary =
            Explain.run(
                in, spec.commandLine().getOut(), XidClassifier.withDefaults(), Instant.EPOCH);
      } catch (InputFiles.Unreadable e) {
        err.println("bosun gpu explain: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      } catch (IOException e) {
        // The output is a PrintWriter, which does not throw: this is the input failing mid-way.
        err.println(
            "bosun gpu explain: "
                + InputFiles.sourceName(name)
                + ": cannot be read: "
                + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      if (summary.unparsed() > 0) {
        err.printf(
            "bosun gpu explain: %d of %d lines were not kernel log lines and were skipped%n",
            summary.unparsed(), summary.lines());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code bosun gpu inspect [-o json|table]}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = {
        "Show the local GPUs from NVML (libnvidia-ml.so.1), falling back to nvidia-smi -q -x.",
        "Exits with 3 and says why when there is no GPU."
      })
  static final class InspectCommand implements Callable<Integer> {
    enum Format {
      table,
      json
    }

    @Spec CommandSpec spec;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table or json; default ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public Integer call() {
      return switch (Inspect.inspect(Instant.now())) {
        case Inspect.Found found -> {
          spec.commandLine().getOut().print(Inspect.render(found, format.name()));
          spec.commandLine().getOut().flush();
          if (found.unparsed() > 0) {
            spec.commandLine()
                .getErr()
                .println(
                    "bosun gpu inspect: "
                        + found.unparsed()
                        + " values could not be read and were left out: "
                        + found.problems());
          }
          yield ExitCodes.OK;
        }
        case Inspect.NoGpu none -> {
          spec.commandLine().getErr().println("bosun gpu inspect: " + none.message());
          yield ExitCodes.UNAVAILABLE;
        }
      };
    }
  }

  /** {@code bosun gpu breaker reset}. */
  @Command(
      name = "breaker",
      mixinStandardHelpOptions = true,
      description = "The circuit breaker of GPU quarantine (GpuHealthPolicy default).",
      subcommands = {BreakerCommand.ResetCommand.class})
  static final class BreakerCommand {
    @Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        description = {
          "Let the operator quarantine again after the breaker tripped: it closes the breaker and"
              + " counts only quarantines from now against maxQuarantined.",
          "The operator writes the policy's status; this dates the reset on the policy"
              + " (annotation bosun.dev/breaker-reset-at)."
        })
    static final class ResetCommand implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin ClusterOptions cluster;

      @Override
      public Integer call() {
        return cluster.actions(spec).breakerReset(Instant.now());
      }
    }
  }
}

package dev.bosun.cli;

import dev.bosun.api.v1alpha1.GpuSharing;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierGpu;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.Output;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.gpu.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun tiers}: the catalog of sizes a Workload may ask for. */
@Command(name = "tiers", mixinStandardHelpOptions = true, description = "List the size tiers.")
final class TiersCommand implements Callable<Integer> {
  enum Format {
    table,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--tiers",
      paramLabel = "DIR|FILE",
      description = "Tiers to list instead of the default catalog.")
  String tiers;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json; default ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() {
    List<ManifestProblem> problems = new ArrayList<>();
    TierCatalog catalog = new Inputs().tiers(tiers, problems);
    if (!problems.isEmpty()) {
      return Problems.report(spec.commandLine().getErr(), problems);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      out.println(Output.json(catalog.all()));
      return ExitCodes.OK;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "CPU", "MEMORY", "GPUS", "GPU", "COST/HOUR", "DESCRIPTION"});
    for (Tier tier : catalog.all()) {
      var spec = tier.getSpec();
      TierGpu gpu = spec.gpu();
      rows.add(
          new String[] {
            tier.getMetadata().getName(),
            spec.resources().cpu(),
            spec.resources().memory(),
            gpu == null ? "-" : gpu.count().toString(),
            gpu == null ? "-" : describe(gpu),
            spec.costPerHour() == null ? "-" : "$" + spec.costPerHour(),
            spec.description()
          });
    }
    printTable(out, rows);
    return ExitCodes.OK;
  }

  /** What kind of GPU, in a few words: "MIG 1g.10gb", "≥80G H100 80GB HBM3|H200", "whole, ≥80G". */
  static String describe(TierGpu gpu) {
    List<String> parts = new ArrayList<>();
    parts.add(
        gpu.sharing() == GpuSharing.MIG
            ? "MIG " + gpu.migProfile()
            : gpu.sharing().name().toLowerCase());
    if (gpu.minMemory() != null) {
      parts.add(">=" + gpu.minMemory());
    }
    if (gpu.products() != null && !gpu.products().isEmpty()) {
      parts.add(String.join("|", gpu.products()));
    }
    parts.add(gpu.allocation().name());
    return String.join(", ", parts);
  }

  private static void printTable(PrintWriter out, List<String[]> rows) {
    int columns = rows.getFirst().length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(
            c == columns - 1 ? row[c] : String.format("%-" + (widths[c] + 2) + "s", row[c]));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}

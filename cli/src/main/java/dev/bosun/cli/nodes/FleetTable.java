package dev.bosun.cli.nodes;

import dev.bosun.operator.fleet.FleetReport;
import dev.bosun.operator.fleet.FleetReport.GpuReport;
import dev.bosun.operator.fleet.FleetReport.NodeReport;
import dev.bosun.operator.fleet.FleetReport.RuleTaint;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@code bosun nodes} as a table for people: one row per GPU. */
public final class FleetTable {
  private static final String[] HEADER = {
    "NODE", "GPU", "DEVICE", "UUID", "HEALTH", "REASON", "QUARANTINE", "PODS"
  };

  private FleetTable() {}

  public static String render(FleetReport report) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (NodeReport node : report.nodes()) {
      for (GpuReport gpu : node.gpus()) {
        rows.add(
            new String[] {
              node.node(),
              gpu.index() == null ? "-" : gpu.index().toString(),
              gpu.device(),
              orDash(gpu.uuid()),
              gpu.health(),
              orDash(gpu.reason()),
              quarantine(node, gpu),
              gpu.pods().isEmpty()
                  ? "-"
                  : gpu.pods().stream()
                      .map(p -> p.namespace() + "/" + p.name())
                      .collect(Collectors.joining(","))
            });
      }
    }
    return aligned(rows);
  }

  /**
   * "device:NoExecute" for Bosun's rule, "rule NAME:NoSchedule" for another one, "node:NoSchedule"
   * for the node's taint; "-" when nothing keeps work off the GPU.
   */
  static String quarantine(NodeReport node, GpuReport gpu) {
    String described =
        Stream.concat(
                gpu.quarantine().stream().map(FleetTable::rule),
                node.quarantine() == null
                    ? Stream.empty()
                    : Stream.of("node:" + node.quarantine().effect()))
            .collect(Collectors.joining(","));
    return described.isEmpty() ? "-" : described;
  }

  private static String rule(RuleTaint rule) {
    return (rule.bosun() ? "device" : "rule " + rule.rule()) + ":" + rule.effect();
  }

  private static String aligned(List<String[]> rows) {
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.repeat(' ', widths[i] + 2 - row[i].length());
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}

package dev.bosun.cli.nodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bosun.cli.deploy.ClusterOptions;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.operator.client.UserError;
import dev.bosun.operator.fleet.FleetReader;
import dev.bosun.operator.fleet.FleetReport;
import dev.bosun.operator.fleet.FleetView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun nodes}: the GPU fleet, per node and per GPU. */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    description = {
      "Show the GPU fleet: per node and GPU, its index, UUID and device, its health as the node"
          + " agent reports it, its quarantine (DeviceTaintRules selecting it, the node's"
          + " bosun.dev/gpu-unhealthy taint) and the pods holding it.",
      "Nodes without an NVIDIA ResourceSlice are left out. -o json: {\"nodes\":[{node, reported,"
          + " quarantine, gpus:[{index, uuid, device, health, reason, quarantine:[...],"
          + " pods:[...]}]}]}, described in cli/README.md."
    })
public final class NodesCommand implements Callable<Integer> {
  enum Format {
    table,
    json
  }

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "table or json; default ${DEFAULT-VALUE}.")
  Format format;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "Only this node; every GPU node when absent.")
  String node;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    return cluster
        .actions(spec)
        .guarded(
            client -> {
              FleetReport report = FleetView.of(FleetReader.read(client), node);
              if (node != null && report.nodes().isEmpty()) {
                throw new UserError(
                    "--node: " + node + " is not a node with an NVIDIA ResourceSlice");
              }
              out.print(
                  format == Format.json
                      ? new ObjectMapper()
                              .enable(SerializationFeature.INDENT_OUTPUT)
                              .writeValueAsString(report)
                          + "\n"
                      : FleetTable.render(report));
              return ExitCodes.OK;
            });
  }
}

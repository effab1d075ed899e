package dev.bosun.mcp;

import static dev.bosun.mcp.JsonSchemas.arrayOf;
import static dev.bosun.mcp.JsonSchemas.integer;
import static dev.bosun.mcp.JsonSchemas.name;
import static dev.bosun.mcp.JsonSchemas.object;
import static dev.bosun.mcp.JsonSchemas.openObject;
import static dev.bosun.mcp.JsonSchemas.string;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.operator.fleet.FleetReader;
import dev.bosun.operator.fleet.FleetReport;
import dev.bosun.operator.fleet.FleetView;
import java.util.List;
import java.util.Map;

/** {@code gpu_fleet_health}: what {@code bosun nodes -o json} shows, with counts on top. */
final class FleetTools {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FleetTools() {}

  static List<BosunTool> all() {
    return List.of(health());
  }

  private static BosunTool health() {
    Map<String, Object> node =
        openObject(
            Map.of("node", string("The node."), "gpus", arrayOf(openObject(Map.of(), List.of()))),
            List.of("node", "gpus"));
    return new BosunTool(
        "gpu_fleet_health",
        "The GPU fleet as `bosun nodes -o json` shows it: per node and GPU its health as the node"
            + " agent reports it, its quarantine and the pods holding it; with counts.",
        object(Map.of("node", name("Only this node; every GPU node when absent.")), List.of()),
        object(
            Map.of(
                "nodes", integer("GPU nodes.", 0, Integer.MAX_VALUE),
                "gpus", integer("GPUs.", 0, Integer.MAX_VALUE),
                "unhealthy", integer("GPUs not Healthy or not reported.", 0, Integer.MAX_VALUE),
                "quarantined", integer("GPUs under a quarantine.", 0, Integer.MAX_VALUE),
                "report", object(Map.of("nodes", arrayOf(node)), List.of("nodes"))),
            List.of("nodes", "gpus", "unhealthy", "quarantined", "report")),
        call -> {
          String only = call.string("node");
          FleetReport report = FleetView.of(FleetReader.read(call.client()), only);
          if (only != null && report.nodes().isEmpty()) {
            throw new ToolError.Failure(
                ToolError.invalid("node", only + " is not a node with an NVIDIA ResourceSlice"));
          }
          var gpus = report.nodes().stream().flatMap(n -> n.gpus().stream()).toList();
          long unhealthy = gpus.stream().filter(g -> !"Healthy".equals(g.health())).count();
          long quarantined = gpus.stream().filter(g -> !g.quarantine().isEmpty()).count();
          @SuppressWarnings("unchecked")
          Map<String, Object> tree = JSON.convertValue(report, Map.class);
          return new BosunTool.Result(
              Map.of(
                  "nodes", report.nodes().size(),
                  "gpus", gpus.size(),
                  "unhealthy", unhealthy,
                  "quarantined", quarantined,
                  "report", tree),
              report.nodes().size()
                  + " GPU nodes, "
                  + gpus.size()
                  + " GPUs, "
                  + unhealthy
                  + " not healthy, "
                  + quarantined
                  + " quarantined");
        });
  }
}

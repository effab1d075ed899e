package dev.bosun.mcp;

import static dev.bosun.mcp.JsonSchemas.arrayOf;
import static dev.bosun.mcp.JsonSchemas.bool;
import static dev.bosun.mcp.JsonSchemas.name;
import static dev.bosun.mcp.JsonSchemas.nullableBool;
import static dev.bosun.mcp.JsonSchemas.nullableString;
import static dev.bosun.mcp.JsonSchemas.object;
import static dev.bosun.mcp.JsonSchemas.openObject;
import static dev.bosun.mcp.JsonSchemas.string;
import static dev.bosun.mcp.JsonSchemas.strings;

import dev.bosun.api.v1alpha1.GateReport;
import dev.bosun.api.v1alpha1.GateResult;
import dev.bosun.mcp.guard.Verdict;
import dev.bosun.operator.client.GatesFailed;
import dev.bosun.operator.client.PromotionGateRunner;
import dev.bosun.operator.client.WorkloadClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code run_gates} and {@code promote}: an Environment's production-readiness gates against the
 * Workload where it was tested, and the promotion that pins its digest once they pass; both after
 * {@code Guardrails.mayPromote}, both as the agent, the gates' requests through the router.
 */
final class PromotionTools {
  private static final String NAME = "name";
  private static final String FROM = "from";
  private static final String TO = "to";

  private PromotionTools() {}

  static List<BosunTool> all(URI router) {
    return List.of(runGates(router), promote(router));
  }

  private static Map<String, Object> input() {
    return object(
        Map.of(
            NAME, name("The Workload."),
            FROM, name("The Environment it was tested in, such as staging."),
            TO, name("The Environment it goes to, such as production, whose gates run.")),
        List.of(NAME, FROM, TO));
  }

  private static final Map<String, Object> GATE =
      object(
          Map.of(
              "name", string("LoadTest, ServiceLevelObjective, MalformedInput or PartialOutage."),
              "passed", nullableBool("Whether it passed; null when it did not run."),
              "message", nullableString("Why, in a sentence."),
              "evidence", openObject(Map.of(), List.of())),
          List.of("name", "passed", "message", "evidence"));

  private static Map<String, Object> report() {
    return object(
        Map.of(
            "workload",
            string("The Workload."),
            FROM,
            string("Where the gates ran against it."),
            TO,
            string("Whose gates ran."),
            "image",
            nullableString("The image tested, by digest."),
            "passed",
            bool("Whether every gate passed."),
            "gates",
            arrayOf(GATE),
            "progress",
            strings()),
        List.of("workload", FROM, TO, "image", "passed", "gates", "progress"));
  }

  private static BosunTool runGates(URI router) {
    return new BosunTool(
        "run_gates",
        "Runs the production-readiness gates of Environment `to` against Workload `name` in"
            + " Environment `from` (it must be Ready there): load at its declared capacity, its"
            + " SLO under that load, malformed-input probes and one replica taken away under load."
            + " Records the report in the Workload's status.gates; promotes nothing.",
        input(),
        report(),
        call -> {
          allowed(call);
          if (call.dryRun()) {
            throw new ToolError.Failure(
                ToolError.invalid(
                    "dryRun",
                    "the gates send load to "
                        + call.string(FROM)
                        + " and take a replica away: they do not run in a dry run"));
          }
          URI through = requireRouter(router);
          List<String> progress = new ArrayList<>();
          GateReport report =
              PromotionGateRunner.run(
                  call.client(),
                  through,
                  call.string(NAME),
                  call.string(FROM),
                  call.string(TO),
                  progress::add);
          return new BosunTool.Result(
              reportOf(call, report, progress),
              "gates of "
                  + call.string(TO)
                  + " against "
                  + call.string(FROM)
                  + "/"
                  + call.string(NAME)
                  + (Boolean.TRUE.equals(report.passed()) ? ": passed" : ": FAILED"));
        });
  }

  private static BosunTool promote(URI router) {
    return new BosunTool(
        "promote",
        "Promotes Workload `name` from Environment `from` to `to`, as `bosun promote` does: once"
            + " `to`'s gates pass against it in `from`, a copy goes to `to` with its image pinned"
            + " to the digest tested. A failed gate refuses the promotion with its evidence.",
        input(),
        object(
            Map.of(
                "promoted", bool("Whether the Workload went to `to`."),
                "image", string("The image `to` runs, pinned by digest."),
                "gates", report()),
            List.of("promoted", "image", "gates")),
        call -> {
          allowed(call);
          if (call.dryRun()) {
            var candidate =
                new WorkloadClient(call.client())
                    .candidate(call.string(NAME), call.string(FROM), call.string(TO));
            throw new ToolError.Failure(
                ToolError.invalid(
                    "dryRun",
                    "a promotion runs load against "
                        + call.string(FROM)
                        + " and cannot be a dry run; it would pin "
                        + candidate.image()
                        + " in "
                        + call.string(TO)));
          }
          List<String> progress = new ArrayList<>();
          WorkloadClient.Promotion promotion;
          try {
            promotion =
                new WorkloadClient(call.client())
                    .promote(
                        call.string(NAME),
                        call.string(FROM),
                        call.string(TO),
                        router,
                        progress::add);
          } catch (GatesFailed failed) {
            throw new ToolError.Failure(
                ToolError.refused(
                    new Verdict.Refused(
                        "Environment/" + call.string(TO) + " spec.promotion.gates",
                        failed.getMessage(),
                        "fix what the failed gate names, deploy again to "
                            + call.string(FROM)
                            + " and promote again; the report is in status.gates of the Workload"
                            + " in "
                            + call.string(FROM))));
          }
          String image = promotion.promoted().getSpec().image();
          Map<String, Object> gates =
              promotion.gates() == null
                  ? noGates(call, image, progress)
                  : reportOf(call, promotion.gates(), progress);
          return new BosunTool.Result(
              Map.of("promoted", true, "image", image, "gates", gates),
              "workload/"
                  + call.string(NAME)
                  + " promoted from "
                  + call.string(FROM)
                  + " to "
                  + call.string(TO)
                  + " with image "
                  + image);
        });
  }

  private static void allowed(ToolCall call) {
    if (call.guardrails().mayPromote(call.string(NAME), call.string(FROM), call.string(TO))
        instanceof Verdict.Refused refused) {
      throw new ToolError.Failure(ToolError.refused(refused));
    }
  }

  private static URI requireRouter(URI router) {
    if (router == null) {
      throw new ToolError.Failure(
          ToolError.failed(
              "the gates send their requests through the router, and this server knows none:"
                  + " start it with --router URL"));
    }
    return router;
  }

  private static Map<String, Object> reportOf(
      ToolCall call, GateReport report, List<String> progress) {
    List<Map<String, Object>> gates = new ArrayList<>();
    for (GateResult result : report.results() == null ? List.<GateResult>of() : report.results()) {
      Map<String, Object> gate = new LinkedHashMap<>();
      gate.put("name", result.name());
      gate.put("passed", result.passed());
      gate.put("message", result.message());
      gate.put("evidence", result.evidence() == null ? Map.of() : result.evidence());
      gates.add(gate);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("workload", call.string(NAME));
    map.put(FROM, call.string(FROM));
    map.put(TO, call.string(TO));
    map.put("image", report.image());
    map.put("passed", Boolean.TRUE.equals(report.passed()));
    map.put("gates", gates);
    map.put("progress", progress);
    return map;
  }

  /** The report of a target without gates: nothing ran, so nothing failed. */
  private static Map<String, Object> noGates(ToolCall call, String image, List<String> progress) {
    return reportOf(
        call, new GateReport(call.string(TO), image, null, null, true, List.of()), progress);
  }
}

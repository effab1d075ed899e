package dev.bosun.mcp;

import static dev.bosun.mcp.JsonSchemas.arrayOf;
import static dev.bosun.mcp.JsonSchemas.bool;
import static dev.bosun.mcp.JsonSchemas.integer;
import static dev.bosun.mcp.JsonSchemas.name;
import static dev.bosun.mcp.JsonSchemas.nullableString;
import static dev.bosun.mcp.JsonSchemas.object;
import static dev.bosun.mcp.JsonSchemas.openObject;
import static dev.bosun.mcp.JsonSchemas.string;
import static dev.bosun.mcp.JsonSchemas.strings;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierGpu;
import dev.bosun.compiler.manifest.DuplicateObjects;
import dev.bosun.compiler.manifest.LimitExceededException;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.Output;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.operator.client.WorkloadClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools that need no write: the tier catalog, one tier explained, and a Workload validated or
 * rendered with the same reader and compiler as {@code bosun validate} and {@code bosun render},
 * against the cluster's Tiers and, when named, its Environment.
 */
final class ManifestTools {
  /**
   * Characters of YAML one call reads: a Workload is about 20 lines, and an agent sends one or a
   * few; the reader's own limits (documents, nodes, depth, aliases) apply within it.
   */
  static final int MAX_YAML_CHARS = 256 * 1024;

  /**
   * YAML documents one call reads: an agent deploys an application's few Workloads at a time.
   * Counted by their markers before anything is parsed.
   */
  static final int MAX_DOCUMENTS = 50;

  /** How problems name the YAML argument, where the CLI names the file. */
  static final String YAML = "yaml";

  private ManifestTools() {}

  static List<BosunTool> all() {
    return List.of(listTiers(), explainTier(), validate(), render());
  }

  static Map<String, Object> yamlArgument() {
    return string(
        "Bosun objects (Workloads, and Tiers to check beside them) as YAML, documents separated"
            + " by ---; at most "
            + MAX_YAML_CHARS / 1024
            + " KiB and "
            + MAX_DOCUMENTS
            + " documents.",
        MAX_YAML_CHARS);
  }

  /** validate's and render's arguments: the YAML, and the Environment they are placed in. */
  private static Map<String, Object> manifestInput() {
    return object(
        Map.of(
            YAML,
            yamlArgument(),
            "environment",
            environmentArgument("whose namespace and policies apply; none when absent")),
        List.of(YAML));
  }

  static Map<String, Object> environmentArgument(String what) {
    return name("The Environment (bosun.dev/v1alpha1, cluster-scoped) " + what + ".");
  }

  private static final Map<String, Object> TIER_SUMMARY =
      openObject(
          Map.of(
              "name", string("The tier's name, what a Workload's spec.size says."),
              "description", string("What the tier is for."),
              "cpu", string("CPU per pod."),
              "memory", string("Memory per pod."),
              "gpus", integer("GPUs (or MIG slices) per pod.", 0, 64),
              "gpu", nullableString("The kind of GPU; null without one."),
              "costPerHour",
                  nullableString("What one pod costs per hour (showback); null when unset.")),
          List.of("name", "description", "cpu", "memory", "gpus", "gpu", "costPerHour"));

  private static BosunTool listTiers() {
    return new BosunTool(
        "list_tiers",
        "The size tiers a Workload's spec.size may name, from the cluster, with what each pod of"
            + " a tier gets and costs per hour.",
        object(Map.of(), List.of()),
        object(Map.of("tiers", arrayOf(TIER_SUMMARY)), List.of("tiers")),
        call -> {
          List<Map<String, Object>> tiers =
              call.catalog().all().stream().map(ManifestTools::summary).toList();
          return new BosunTool.Result(
              Map.of("tiers", tiers),
              tiers.size()
                  + " tiers: "
                  + String.join(", ", tiers.stream().map(t -> (String) t.get("name")).toList()));
        });
  }

  private static BosunTool explainTier() {
    return new BosunTool(
        "explain_tier",
        "One tier in full: resources, GPUs, placement, runtime class, scaling policies, the"
            + " Workload types that may use it, and its hourly cost.",
        object(Map.of("name", name("The tier's name.")), List.of("name")),
        object(
            Map.of("tier", TIER_SUMMARY, "spec", openObject(Map.of(), List.of())),
            List.of("tier", "spec")),
        call -> {
          String name = call.string("name");
          TierCatalog catalog = call.catalog();
          Tier tier =
              catalog
                  .find(name)
                  .orElseThrow(
                      () ->
                          new ToolError.Failure(ToolError.invalid("name", missing(catalog, name))));
          @SuppressWarnings("unchecked")
          Map<String, Object> spec = (Map<String, Object>) Output.tree(tier).get("spec");
          return new BosunTool.Result(
              Map.of("tier", summary(tier), "spec", spec),
              name + ": " + tier.getSpec().description());
        });
  }

  private static BosunTool validate() {
    return new BosunTool(
        "validate_workload",
        "Checks Workloads (and Tiers beside them) as `bosun validate` does: every problem at once,"
            + " each with its object and field path. Nothing is written.",
        manifestInput(),
        object(
            Map.of(
                "valid", bool("Whether every object is valid."),
                "objects", integer("How many objects were read.", 0, Integer.MAX_VALUE),
                "problems", strings()),
            List.of("valid", "objects", "problems")),
        call -> {
          ReadResult read = read(call.string(YAML));
          List<ManifestProblem> problems = new ArrayList<>(read.problems());
          problems.addAll(Renderer.validate(read, call.catalog(), environment(call)));
          List<String> lines = lines(problems);
          return new BosunTool.Result(
              Map.of(
                  "valid", lines.isEmpty(), "objects", read.manifests().size(), "problems", lines),
              lines.isEmpty()
                  ? read.manifests().size() + " objects valid"
                  : String.join("\n", lines));
        });
  }

  private static BosunTool render() {
    return new BosunTool(
        "render_workload",
        "The Kubernetes objects Workloads compile to, as `bosun render` prints them (multi-document"
            + " YAML), against the cluster's Tiers and, when named, an Environment.",
        manifestInput(),
        object(
            Map.of(
                "objects", arrayOf(string("kind/name of an object, in the order rendered.")),
                "yaml", string("The objects as multi-document YAML.")),
            List.of("objects", "yaml")),
        call -> {
          ReadResult read = read(call.string(YAML));
          Renderer.Rendered rendered =
              Renderer.render(read.manifests(), call.catalog(), environment(call));
          List<ManifestProblem> problems = new ArrayList<>(read.problems());
          problems.addAll(rendered.problems());
          if (!problems.isEmpty()) {
            throw new ToolError.Failure(ToolError.invalid(lines(problems)));
          }
          String text;
          try {
            text = Output.yaml(rendered.objects());
          } catch (LimitExceededException e) {
            throw new ToolError.Failure(ToolError.invalid(YAML, e.getMessage()));
          }
          List<String> objects =
              rendered.objects().stream()
                  .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                  .toList();
          return new BosunTool.Result(
              Map.of("objects", objects, "yaml", text),
              objects.size() + " objects: " + String.join(", ", objects));
        });
  }

  /** The YAML argument read as the CLI reads a file, objects named twice reported too. */
  static ReadResult read(String yaml) {
    long documents = 1 + yaml.lines().filter(ManifestTools::startsDocument).count();
    if (documents > MAX_DOCUMENTS) {
      throw new ToolError.Failure(
          ToolError.invalid(
              YAML,
              "holds "
                  + documents
                  + " documents or more, past the "
                  + MAX_DOCUMENTS
                  + " one call reads; split it across calls"));
    }
    ReadResult read = ManifestReader.read(YAML, yaml);
    return read.plus(new ReadResult(List.of(), DuplicateObjects.find(read.manifests())));
  }

  /** A document start marker: {@code ---} at the start of a line, alone or before content. */
  private static boolean startsDocument(String line) {
    return line.startsWith("---")
        && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '\t');
  }

  /** The problems as the CLI prints them, one a line, in document order. */
  static List<String> lines(List<ManifestProblem> problems) {
    return problems.stream()
        .sorted(Comparator.comparingInt(ManifestProblem::document))
        .map(ManifestProblem::toString)
        .toList();
  }

  private static Environment environment(ToolCall call) {
    String name = call.string("environment");
    return name == null ? null : new WorkloadClient(call.client()).environment(name);
  }

  static String missing(TierCatalog catalog, String name) {
    // The catalog names the Workload's field; here the argument is the tier's name itself.
    return catalog.missing(name).message();
  }

  static Map<String, Object> summary(Tier tier) {
    var spec = tier.getSpec();
    TierGpu gpu = spec.gpu();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("name", tier.getMetadata().getName());
    summary.put("description", spec.description());
    summary.put("cpu", spec.resources().cpu());
    summary.put("memory", spec.resources().memory());
    summary.put("gpus", gpu == null ? 0 : gpu.count());
    summary.put("gpu", gpu == null ? null : gpuKind(gpu));
    summary.put("costPerHour", spec.costPerHour());
    return summary;
  }

  private static String gpuKind(TierGpu gpu) {
    List<String> parts = new ArrayList<>();
    parts.add(gpu.sharing().name() + (gpu.migProfile() == null ? "" : " " + gpu.migProfile()));
    if (gpu.minMemory() != null) {
      parts.add(">=" + gpu.minMemory());
    }
    if (gpu.products() != null && !gpu.products().isEmpty()) {
      parts.add(String.join("|", gpu.products()));
    }
    return String.join(", ", parts);
  }
}

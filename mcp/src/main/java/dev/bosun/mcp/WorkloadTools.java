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

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Labels;
import dev.bosun.compiler.Names;
import dev.bosun.compiler.manifest.ManifestProblem;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.Renderer;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.mcp.guard.Verdict;
import dev.bosun.operator.client.WatchCache;
import dev.bosun.operator.client.WorkloadClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tools that deploy a Workload and report on it: deploy (guardrails first, then the cluster, as
 * the agent), status with the reason a person needs, and recent events with log excerpts.
 */
final class WorkloadTools {
  static final int MAX_WAIT_SECONDS = 600;
  static final int MAX_EVENTS = 100;
  static final int MAX_LOG_LINES = 50;

  private WorkloadTools() {}

  static List<BosunTool> all() {
    return List.of(deploy(), status(), events());
  }

  private static BosunTool deploy() {
    return new BosunTool(
        "deploy_workload",
        "Deploys Workloads to an Environment (its namespace), as `bosun deploy` does, after the"
            + " guardrails allow it; with wait, follows them until Ready, Degraded or the timeout."
            + " In dry-run mode the cluster checks the write (server-side dry run) and stores"
            + " nothing.",
        object(
            Map.of(
                ManifestTools.YAML,
                ManifestTools.yamlArgument(),
                "environment",
                ManifestTools.environmentArgument("to deploy to, such as staging"),
                "wait",
                bool("Whether to wait until each Workload is Ready (default false)."),
                "timeoutSeconds",
                integer("How long to wait (default 120).", 1, MAX_WAIT_SECONDS)),
            List.of(ManifestTools.YAML, "environment")),
        object(
            Map.of(
                "environment", string("The Environment deployed to."),
                "namespace", string("Its namespace."),
                "dryRun", bool("Whether this was only a server-side dry run."),
                "workloads",
                    arrayOf(
                        object(
                            Map.of(
                                "name", string("The Workload."),
                                "generation", integer("Its generation.", 0, Integer.MAX_VALUE),
                                "outcome",
                                    JsonSchemas.enumOf(
                                        "applied (no wait), Ready, Degraded or TimedOut.",
                                        List.of("applied", "Ready", "Degraded", "TimedOut")),
                                "conditions", string("Its conditions, in one line.")),
                            List.of("name", "generation", "outcome", "conditions")))),
            List.of("environment", "namespace", "dryRun", "workloads")),
        WorkloadTools::deploy);
  }

  private static BosunTool.Result deploy(ToolCall call) {
    String environmentName = call.string("environment");
    ReadResult read = ManifestTools.read(call.string(ManifestTools.YAML));
    List<ManifestProblem> problems = new ArrayList<>(read.problems());
    List<Workload> workloads = read.objectsOf(Workload.class);
    if (problems.isEmpty()
        && (workloads.isEmpty() || workloads.size() != read.manifests().size())) {
      throw new ToolError.Failure(
          ToolError.invalid(
              ManifestTools.YAML,
              "holds " + read.manifests().size() + " objects; deploy takes Workloads only"));
    }
    // The catalog's compile first: the guardrails judge the tier, before the cluster is asked
    // anything about the Environment.
    TierCatalog catalog = call.catalog();
    problems.addAll(Renderer.render(read.manifests(), catalog, null).problems());
    if (!problems.isEmpty()) {
      throw new ToolError.Failure(ToolError.invalid(ManifestTools.lines(problems)));
    }
    for (Workload workload : workloads) {
      Tier tier = catalog.find(workload.getSpec().size()).orElseThrow();
      if (call.guardrails().mayDeploy(workload, tier, environmentName)
          instanceof Verdict.Refused refused) {
        throw new ToolError.Failure(ToolError.refused(refused));
      }
    }
    var client = new WorkloadClient(call.client());
    Environment environment = client.environment(environmentName);
    List<ManifestProblem> placed =
        Renderer.render(read.manifests(), catalog, environment).problems();
    if (!placed.isEmpty()) {
      throw new ToolError.Failure(ToolError.invalid(ManifestTools.lines(placed)));
    }
    List<Workload> stored = new ArrayList<>();
    for (Workload workload : workloads) {
      // Labelled and annotated by the guardrails, so the policy's GPU budget counts it.
      stored.add(
          client.deploy(call.guardrails().attributed(workload), environmentName, call.dryRun()));
    }
    Duration timeout = Duration.ofSeconds(call.integer("timeoutSeconds", 120));
    List<Map<String, Object>> results = new ArrayList<>();
    for (Workload workload : stored) {
      String outcome = "applied";
      if (call.flag("wait") && !call.dryRun()) {
        outcome =
            switch (client.await(
                workload.getMetadata().getNamespace(),
                workload.getMetadata().getName(),
                timeout,
                line -> {})) {
              case READY -> "Ready";
              case DEGRADED -> "Degraded";
              case TIMED_OUT -> "TimedOut";
            };
      }
      results.add(
          Map.of(
              "name", workload.getMetadata().getName(),
              "generation", Objects.requireNonNullElse(workload.getMetadata().getGeneration(), 0L),
              "outcome", outcome,
              "conditions", conditionsLine(call.client(), workload)));
    }
    String namespace = environment.getSpec().namespace();
    return new BosunTool.Result(
        Map.of(
            "environment", environmentName,
            "namespace", namespace,
            "dryRun", call.dryRun(),
            "workloads", results),
        (call.dryRun() ? "dry run: " : "")
            + String.join(
                ", ",
                results.stream()
                    .map(r -> "workload/" + r.get("name") + " " + r.get("outcome"))
                    .toList())
            + " in "
            + environmentName
            + " (namespace "
            + namespace
            + ")");
  }

  private static String conditionsLine(KubernetesClient client, Workload applied) {
    Workload now =
        client
            .resources(Workload.class)
            .inNamespace(applied.getMetadata().getNamespace())
            .withName(applied.getMetadata().getName())
            .get();
    Workload shown = now == null ? applied : now;
    return shown.getStatus() == null || shown.getStatus().conditions() == null
        ? "waiting for the operator"
        : String.join(
            "; ",
            shown.getStatus().conditions().stream()
                .map(
                    c ->
                        c.type()
                            + "="
                            + c.status()
                            + (c.reason() == null ? "" : " (" + c.reason() + ")"))
                .toList());
  }

  private static final Map<String, Object> CONDITION =
      openObject(
          Map.of(
              "type", string("Ready, Progressing, Degraded, ..."),
              "status", string("True, False or Unknown."),
              "reason", nullableString("Why, as a constant."),
              "message", nullableString("Why, in words.")),
          List.of("type", "status"));

  private static BosunTool status() {
    return new BosunTool(
        "workload_status",
        "Workloads as `bosun status` shows them, with the reason a person needs when one is not"
            + " Ready: the scheduler's message on an unschedulable pod, the ResourceQuota that"
            + " refused a pod, the probe that fails.",
        object(
            Map.of(
                "name", name("The Workload; every Workload when absent."),
                "environment", ManifestTools.environmentArgument("whose namespace to look in"),
                "namespace",
                    name("The namespace to look in; every namespace when both are absent.")),
            List.of()),
        object(
            Map.of(
                "workloads",
                arrayOf(
                    object(
                        Map.of(
                            "name", string("The Workload."),
                            "namespace", string("Its namespace."),
                            "environment", nullableString("Its Environment, as the operator saw."),
                            "tier", string("Its tier."),
                            "ready", string("Ready replicas / desired, or completions."),
                            "gpus", integer("GPUs its placed pods hold.", 0, Integer.MAX_VALUE),
                            "nodes", strings(),
                            "conditions", arrayOf(CONDITION),
                            "reasons", strings()),
                        List.of(
                            "name",
                            "namespace",
                            "environment",
                            "tier",
                            "ready",
                            "gpus",
                            "nodes",
                            "conditions",
                            "reasons")))),
            List.of("workloads")),
        call -> {
          String namespace = namespace(call, false);
          var rows = new WorkloadClient(call.client()).status(namespace, call.string("name"));
          List<Map<String, Object>> workloads = new ArrayList<>();
          List<String> lines = new ArrayList<>();
          for (WorkloadClient.Row row : rows) {
            List<String> reasons = reasons(call.client(), row);
            Map<String, Object> workload = new LinkedHashMap<>();
            workload.put("name", row.workload());
            workload.put("namespace", row.namespace());
            workload.put("environment", row.environment());
            workload.put("tier", row.tier());
            workload.put("ready", row.ready());
            workload.put("gpus", row.gpus());
            workload.put("nodes", row.nodes());
            workload.put(
                "conditions", row.conditions().stream().map(WorkloadTools::condition).toList());
            workload.put("reasons", reasons);
            workloads.add(workload);
            lines.add(
                row.namespace()
                    + "/"
                    + row.workload()
                    + " ready "
                    + row.ready()
                    + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons)));
          }
          return new BosunTool.Result(
              Map.of("workloads", workloads),
              lines.isEmpty() ? "no Workloads" : String.join("\n", lines));
        });
  }

  private static Map<String, Object> condition(Condition condition) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", condition.type());
    map.put("status", condition.status());
    map.put("reason", condition.reason());
    map.put("message", condition.message());
    return map;
  }

  /**
   * Why a Workload is not what was asked: its Degraded condition and a Ready that is False (the
   * operator puts the scheduler's and the quota's words there), then the Warning events of its pods
   * and controllers (a failing probe is an {@code Unhealthy} event), newest first.
   */
  private static List<String> reasons(KubernetesClient client, WorkloadClient.Row row) {
    List<String> reasons = new ArrayList<>();
    for (Condition c : row.conditions()) {
      boolean bad =
          ConditionTypes.DEGRADED.equals(c.type()) && "True".equals(c.status())
              || ConditionTypes.READY.equals(c.type()) && "False".equals(c.status());
      if (bad && c.message() != null) {
        reasons.add(c.type() + " (" + c.reason() + "): " + c.message());
      }
    }
    if (reasons.isEmpty()) {
      return reasons;
    }
    relatedEvents(client, row.namespace(), row.workload()).stream()
        .filter(e -> "Warning".equals(e.getType()))
        .map(
            e ->
                e.getReason()
                    + " on "
                    + e.getInvolvedObject().getKind()
                    + "/"
                    + e.getInvolvedObject().getName()
                    + ": "
                    + e.getMessage())
        .distinct()
        .limit(5)
        .forEach(reasons::add);
    return reasons;
  }

  private static BosunTool events() {
    Map<String, Object> event =
        object(
            Map.of(
                "type", string("Normal or Warning."),
                "reason", nullableString("The reporter's reason."),
                "object", string("kind/name of the object it is about."),
                "message", nullableString("What happened."),
                "count", integer("How often.", 0, Integer.MAX_VALUE),
                "lastSeen", nullableString("When it last happened.")),
            List.of("type", "reason", "object", "message", "count", "lastSeen"));
    Map<String, Object> log =
        object(
            Map.of(
                "pod", string("The pod."),
                "lines", strings(),
                "note", nullableString("Why there are no lines, when there are none.")),
            List.of("pod", "lines", "note"));
    return new BosunTool(
        "workload_events",
        "The recent Events of a Workload, its pods and controllers (newest first), and the last"
            + " lines of its pods' logs where the kubelet keeps them (the local cluster's"
            + " simulated nodes keep none, and say so).",
        object(
            Map.of(
                "name", name("The Workload."),
                "environment", ManifestTools.environmentArgument("whose namespace to look in"),
                "namespace", name("The namespace to look in, instead of an environment."),
                "limit", integer("Events at most (default 20).", 1, MAX_EVENTS),
                "logLines",
                    integer("Log lines per pod (default 10; 0 for none).", 0, MAX_LOG_LINES)),
            List.of("name")),
        object(Map.of("events", arrayOf(event), "logs", arrayOf(log)), List.of("events", "logs")),
        call -> {
          String namespace = namespace(call, true);
          String name = call.string("name");
          if (call.client().resources(Workload.class).inNamespace(namespace).withName(name).get()
              == null) {
            throw new ToolError.Failure(
                ToolError.invalid(
                    "name", "workload \"" + name + "\" does not exist in namespace " + namespace));
          }
          List<Map<String, Object>> events =
              relatedEvents(call.client(), namespace, name).stream()
                  .limit(call.integer("limit", 20))
                  .map(WorkloadTools::event)
                  .toList();
          int lines = call.integer("logLines", 10);
          List<Map<String, Object>> logs =
              lines == 0 ? List.of() : logs(call.client(), namespace, name, lines);
          return new BosunTool.Result(
              Map.of("events", events, "logs", logs),
              events.size() + " events, logs of " + logs.size() + " pods");
        });
  }

  private static Map<String, Object> event(Event e) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", Objects.requireNonNullElse(e.getType(), "Normal"));
    map.put("reason", e.getReason());
    map.put("object", e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName());
    map.put("message", e.getMessage());
    map.put("count", Objects.requireNonNullElse(e.getCount(), 1));
    map.put("lastSeen", lastSeen(e));
    return map;
  }

  private static String lastSeen(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata().getCreationTimestamp();
  }

  /** Events about the Workload and the objects named after it (its controllers and pods). */
  static List<Event> relatedEvents(KubernetesClient client, String namespace, String workload) {
    return client
        .v1()
        .events()
        .inNamespace(namespace)
        .list(WatchCache.asItStands())
        .getItems()
        .stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && e.getInvolvedObject().getName() != null
                    && (e.getInvolvedObject().getName().equals(workload)
                        || e.getInvolvedObject().getName().startsWith(workload + "-")))
        .sorted(
            Comparator.comparing(
                    WorkloadTools::lastSeen,
                    Comparator.nullsFirst(Comparator.<String>naturalOrder()))
                .reversed())
        .toList();
  }

  private static List<Map<String, Object>> logs(
      KubernetesClient client, String namespace, String workload, int lines) {
    List<Map<String, Object>> logs = new ArrayList<>();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(Labels.WORKLOAD, Names.labelValue(workload))
            .list(WatchCache.asItStands())
            .getItems();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      Map<String, Object> log = new LinkedHashMap<>();
      log.put("pod", name);
      try {
        String text =
            client.pods().inNamespace(namespace).withName(name).tailingLines(lines).getLog();
        List<String> kept = text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
        log.put("lines", kept);
        log.put("note", kept.isEmpty() ? "the pod has written no log lines" : null);
      } catch (KubernetesClientException e) {
        log.put("lines", List.of());
        log.put(
            "note",
            "no logs: the kubelet gave none ("
                + (e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage()
                    : e.getMessage())
                + "); pods on the local cluster's simulated (KWOK) nodes run no containers and keep no logs");
      }
      logs.add(log);
    }
    return logs;
  }

  /** The namespace of {@code environment} or {@code namespace}; null (every one) unless needed. */
  private static String namespace(ToolCall call, boolean required) {
    String environment = call.string("environment");
    String namespace = call.string("namespace");
    if (environment != null && namespace != null) {
      throw new ToolError.Failure(
          ToolError.invalid("namespace", "give an environment or a namespace, not both"));
    }
    if (environment != null) {
      return new WorkloadClient(call.client()).environment(environment).getSpec().namespace();
    }
    if (namespace == null && required) {
      throw new ToolError.Failure(ToolError.invalid("environment", "required (or namespace)"));
    }
    return namespace;
  }
}

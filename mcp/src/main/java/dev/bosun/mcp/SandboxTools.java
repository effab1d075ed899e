package dev.bosun.mcp;

import static dev.bosun.mcp.JsonSchemas.bool;
import static dev.bosun.mcp.JsonSchemas.integer;
import static dev.bosun.mcp.JsonSchemas.name;
import static dev.bosun.mcp.JsonSchemas.nullableString;
import static dev.bosun.mcp.JsonSchemas.object;
import static dev.bosun.mcp.JsonSchemas.openObject;
import static dev.bosun.mcp.JsonSchemas.string;

import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.mcp.guard.Verdict;
import dev.bosun.operator.client.SandboxActions;
import dev.bosun.operator.client.SandboxClient;
import dev.bosun.operator.client.UserError;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox tools, over the CLI's {@link SandboxClient}: create (a SandboxClaim, warm from a pool
 * when one fits), suspend, resume and delete; each only where the guardrails let the agent manage
 * sandboxes in the namespace.
 */
final class SandboxTools {
  private SandboxTools() {}

  static List<BosunTool> all() {
    return List.of(
        create(),
        setMode("sandbox_suspend", OperatingMode.Suspended),
        setMode("sandbox_resume", OperatingMode.Running),
        delete());
  }

  private static final Map<String, Object> NAMESPACE =
      name("The namespace; the agent client's own (or default) when absent.");

  /**
   * What every sandbox tool returns: the sandbox as {@code bosun sandbox status -o json} shows it.
   */
  private static Map<String, Object> output() {
    return object(
        Map.of(
            "action", string("What was done."),
            "dryRun", bool("Whether it was only checked."),
            "sandbox", openObject(Map.of("name", nullableString("The sandbox.")), List.of())),
        List.of("action", "dryRun", "sandbox"));
  }

  private static BosunTool create() {
    return new BosunTool(
        "sandbox_create",
        "Creates an agent sandbox from a SandboxTemplate, through a SandboxClaim (warm from a"
            + " pool when one fits); with wait, until it is Ready.",
        object(
            Map.of(
                "namespace", NAMESPACE,
                "template", name("The SandboxTemplate."),
                "pool",
                    name("The SandboxWarmPool to take it from; any of the template when absent."),
                "name", name("The claim's name; generated from the template's when absent."),
                "wait", bool("Whether to wait until it is Ready (default false)."),
                "timeoutSeconds",
                    integer("How long to wait (default 120).", 1, WorkloadTools.MAX_WAIT_SECONDS)),
            List.of("template")),
        output(),
        call -> {
          String namespace = allowed(call);
          var sandboxes = new SandboxClient(call.client());
          if (call.dryRun()) {
            if (call.client()
                    .resources(SandboxTemplate.class)
                    .inNamespace(namespace)
                    .withName(call.string("template"))
                    .get()
                == null) {
              throw new UserError(
                  "--template: SandboxTemplate \""
                      + call.string("template")
                      + "\" does not exist in namespace "
                      + namespace);
            }
            return result(
                "create",
                true,
                Map.of("template", call.string("template"), "namespace", namespace));
          }
          SandboxClaim claim =
              sandboxes.claim(
                  new SandboxClient.Request(
                      namespace,
                      call.string("name"),
                      call.string("template"),
                      call.string("pool"),
                      List.of(),
                      null));
          Map<String, Object> shown =
              new HashMap<>(Map.of("claim", claim.getMetadata().getName(), "namespace", namespace));
          if (call.flag("wait")) {
            Optional<SandboxClaim> ready =
                sandboxes.awaitReady(
                    claim, Duration.ofSeconds(call.integer("timeoutSeconds", 120)));
            if (ready.isEmpty()) {
              throw new ToolError.Failure(
                  ToolError.failed(
                      "sandboxclaim/"
                          + claim.getMetadata().getName()
                          + " was not Ready within the timeout"));
            }
            Sandbox sandbox = sandboxes.get(namespace, ready.get().getStatus().sandbox().name());
            shown = new HashMap<>(SandboxActions.summary(sandbox));
            shown.put("claim", claim.getMetadata().getName());
          }
          return result("create", false, shown);
        });
  }

  private static BosunTool setMode(String tool, OperatingMode mode) {
    return new BosunTool(
        tool,
        mode == OperatingMode.Suspended
            ? "Suspends a sandbox: its pod goes, its volume, Service and name stay."
            : "Resumes a suspended sandbox: the operator makes its pod again.",
        object(Map.of("namespace", NAMESPACE, "name", name("The sandbox.")), List.of("name")),
        output(),
        call -> {
          String namespace = allowed(call);
          var sandboxes = new SandboxClient(call.client());
          String name = call.string("name");
          Sandbox sandbox =
              call.dryRun()
                  ? sandboxes.get(namespace, name)
                  : sandboxes.setMode(namespace, name, mode);
          return result(
              mode == OperatingMode.Suspended ? "suspend" : "resume",
              call.dryRun(),
              SandboxActions.summary(sandbox));
        });
  }

  private static BosunTool delete() {
    return new BosunTool(
        "sandbox_delete",
        "Deletes a sandbox, through the claim that holds it when one does.",
        object(Map.of("namespace", NAMESPACE, "name", name("The sandbox.")), List.of("name")),
        output(),
        call -> {
          String namespace = allowed(call);
          var sandboxes = new SandboxClient(call.client());
          String name = call.string("name");
          if (call.dryRun()) {
            return result("delete", true, SandboxActions.summary(sandboxes.get(namespace, name)));
          }
          String deleted = sandboxes.delete(namespace, name);
          return result(
              "delete", false, Map.of("name", name, "namespace", namespace, "deleted", deleted));
        });
  }

  /** The namespace, once the guardrails let the agent manage sandboxes there. */
  private static String allowed(ToolCall call) {
    String namespace =
        call.string("namespace") != null
            ? call.string("namespace")
            : new SandboxClient(call.client()).namespaceOr(null);
    if (call.guardrails().mayManageSandboxes(namespace) instanceof Verdict.Refused refused) {
      throw new ToolError.Failure(ToolError.refused(refused));
    }
    return namespace;
  }

  private static BosunTool.Result result(
      String action, boolean dryRun, Map<String, Object> sandbox) {
    Map<String, Object> shown = new HashMap<>(sandbox);
    shown.putIfAbsent("name", null);
    return new BosunTool.Result(
        Map.of("action", action, "dryRun", dryRun, "sandbox", shown),
        (dryRun ? "dry run: " : "")
            + action
            + " sandbox "
            + (shown.get("name") == null ? shown.get("claim") : shown.get("name")));
  }
}

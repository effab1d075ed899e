package dev.bosun.operator.client;

import static dev.bosun.gpu.ExitCodes.FAILED;
import static dev.bosun.gpu.ExitCodes.OK;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxStatus;
import dev.bosun.api.v1alpha1.SandboxTimings;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.operator.Conditions;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code bosun sandbox ...}, with their output and exit codes (0 ok, 2 invalid input or a refused
 * request, 1 a cluster error or a timeout). The picocli classes only parse options.
 */
public final class SandboxActions {
  private final CliActions cli;
  private final PrintWriter out;
  private final PrintWriter err;

  public SandboxActions(CliActions cli, PrintWriter out, PrintWriter err) {
    this.cli = cli;
    this.out = out;
    this.err = err;
  }

  /** {@code create --template T [--pool P] [--ttl D] ... [-o json]}: a claim, then its sandbox. */
  public int create(SandboxClient.Request request, boolean wait, Duration timeout, boolean json) {
    return cli.guarded(
        client -> {
          var sandboxes = new SandboxClient(client);
          long begin = System.nanoTime();
          SandboxClaim claim = sandboxes.claim(request);
          String claimName = claim.getMetadata().getName();
          if (!wait) {
            print(json, Map.of("claim", claimName), "sandboxclaim/" + claimName + " created");
            return OK;
          }
          Optional<SandboxClaim> ready = sandboxes.awaitReady(claim, timeout);
          if (ready.isEmpty()) {
            err.println(
                "bosun: sandboxclaim/"
                    + claimName
                    + " was not Ready within "
                    + timeout.toSeconds()
                    + " s; `kubectl describe sandboxclaim "
                    + claimName
                    + " -n "
                    + claim.getMetadata().getNamespace()
                    + "` tells why");
            return FAILED;
          }
          long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();
          var status = ready.get().getStatus();
          Sandbox sandbox =
              sandboxes.get(claim.getMetadata().getNamespace(), status.sandbox().name());
          Map<String, Object> result = summary(sandbox);
          result.put("claim", claimName);
          result.put("source", status.source());
          result.put("coldStartReason", status.coldStartReason());
          result.put("readyInMillis", millis);
          print(
              json,
              result,
              "sandbox/"
                  + sandbox.getMetadata().getName()
                  + " Ready in "
                  + millis
                  + " ms ("
                  + (Sandboxes.SOURCE_WARM_POOL.equals(status.source())
                      ? "from a warm pool"
                      : "cold start: " + status.coldStartReason())
                  + "), "
                  + sandbox.getStatus().serviceFQDN());
          return OK;
        });
  }

  /** {@code list [-n NS | -A] [-o json]}. */
  public int list(String namespace, boolean allNamespaces, boolean json) {
    return cli.guarded(
        client -> {
          List<Sandbox> all = new SandboxClient(client).list(namespace, allNamespaces);
          if (json) {
            out.println(
                new KubernetesSerialization()
                    .asJson(all.stream().map(SandboxActions::summary).toList()));
            return OK;
          }
          List<String[]> rows = new ArrayList<>();
          rows.add(
              new String[] {
                "NAMESPACE",
                "NAME",
                "TEMPLATE",
                "MODE",
                "READY",
                "REASON",
                "LAST ACTIVITY",
                "EXPIRES"
              });
          for (Sandbox s : all) {
            Optional<SandboxStatus> status = Optional.ofNullable(s.getStatus());
            Optional<Condition> ready = status.flatMap(st -> condition(st, ConditionTypes.READY));
            rows.add(
                new String[] {
                  s.getMetadata().getNamespace(),
                  s.getMetadata().getName(),
                  s.getSpec().sandboxTemplateRef().name(),
                  status.map(SandboxStatus::operatingMode).map(Enum::name).orElse("-"),
                  ready.map(Condition::status).orElse("-"),
                  ready.map(Condition::reason).orElse("-"),
                  timing(s, SandboxTimings::lastActivityAt),
                  timing(s, SandboxTimings::expiresAt)
                });
          }
          cli.printTable(rows);
          return OK;
        });
  }

  /** {@code status NAME}: the lifecycle a human asks about, in order. */
  public int status(String namespace, String name, boolean json) {
    return cli.guarded(
        client -> {
          Sandbox sandbox = new SandboxClient(client).get(namespace, name);
          Map<String, Object> summary = summary(sandbox);
          if (json) {
            out.println(new KubernetesSerialization().asJson(summary));
            return OK;
          }
          summary.forEach(
              (key, value) -> {
                if (!key.equals("timings") && !key.equals("conditions")) {
                  out.printf("%-16s %s%n", key + ":", value == null ? "-" : value);
                }
              });
          out.println("timings:");
          out.printf("  %-14s %s%n", "requested:", timing(sandbox, SandboxTimings::requestedAt));
          out.printf("  %-14s %s%n", "scheduled:", timing(sandbox, SandboxTimings::scheduledAt));
          out.printf("  %-14s %s%n", "ready:", timing(sandbox, SandboxTimings::readyAt));
          out.printf(
              "  %-14s %s%n", "last activity:", timing(sandbox, SandboxTimings::lastActivityAt));
          out.printf("  %-14s %s%n", "suspended:", timing(sandbox, SandboxTimings::suspendedAt));
          out.printf("  %-14s %s%n", "expires:", timing(sandbox, SandboxTimings::expiresAt));
          out.println("conditions:");
          Optional.ofNullable(sandbox.getStatus())
              .map(SandboxStatus::conditions)
              .orElse(List.of())
              .forEach(
                  c ->
                      out.printf(
                          "  %-10s %-6s %-20s %s%n",
                          c.type(),
                          c.status(),
                          Optional.ofNullable(c.reason()).orElse(""),
                          Optional.ofNullable(c.message()).orElse("")));
          return OK;
        });
  }

  /** {@code suspend NAME} and {@code resume NAME [--wait]}. */
  public int setMode(
      String namespace,
      String name,
      OperatingMode mode,
      boolean wait,
      Duration timeout,
      boolean json) {
    return cli.guarded(
        client -> {
          var sandboxes = new SandboxClient(client);
          sandboxes.setMode(namespace, name, mode);
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("name", name);
          result.put("mode", mode.name());
          String line =
              "sandbox/"
                  + name
                  + (mode == OperatingMode.Suspended
                      ? " suspended: its pod goes, its volume and name stay"
                      : " resuming");
          if (mode == OperatingMode.Running && wait) {
            long begin = System.nanoTime();
            if (sandboxes.awaitReady(namespace, name, timeout).isEmpty()) {
              err.println(
                  "bosun: sandbox/"
                      + name
                      + " was not Ready within "
                      + timeout.toSeconds()
                      + " s; `bosun sandbox status "
                      + name
                      + "` tells why");
              return FAILED;
            }
            long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();
            result.put("readyInMillis", millis);
            line = "sandbox/" + name + " Ready in " + millis + " ms";
          }
          print(json, result, line);
          return OK;
        });
  }

  /** {@code extend NAME --ttl D}. */
  public int extend(String namespace, String name, Duration by, Instant now, boolean json) {
    return cli.guarded(
        client -> {
          Instant expiresAt = new SandboxClient(client).extend(namespace, name, by, now);
          print(
              json,
              Map.of("name", name, "expiresAt", expiresAt.toString()),
              "sandbox/" + name + " now expires at " + expiresAt);
          return OK;
        });
  }

  /** {@code delete NAME}. */
  public int delete(String namespace, String name, boolean json) {
    return cli.guarded(
        client -> {
          String deleted = new SandboxClient(client).delete(namespace, name);
          print(
              json,
              Map.of("name", name, "deleted", deleted),
              deleted
                  + " deleted"
                  + (deleted.startsWith("sandbox/") ? "" : " (and sandbox/" + name + " with it)"));
          return OK;
        });
  }

  /** {@code url NAME}: where to send requests, and the token that lets them in. */
  public int url(String namespace, String name, String router, boolean json) {
    return cli.guarded(
        client -> {
          var sandboxes = new SandboxClient(client);
          String ns = sandboxes.namespaceOr(namespace);
          String token = sandboxes.token(ns, name);
          String url = router.replaceAll("/+$", "") + "/sandboxes/" + ns + "/" + name + "/";
          if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("url", url);
            result.put("token", token);
            result.put("header", "Authorization: Bearer " + token);
            out.println(new KubernetesSerialization().asJson(result));
          } else {
            out.println(url);
            out.println("Authorization: Bearer " + token);
          }
          return OK;
        });
  }

  /** A sandbox as {@code -o json} shows it, and the MCP server's sandbox tools return it. */
  public static Map<String, Object> summary(Sandbox sandbox) {
    Map<String, Object> map = new LinkedHashMap<>();
    Optional<SandboxStatus> status = Optional.ofNullable(sandbox.getStatus());
    map.put("name", sandbox.getMetadata().getName());
    map.put("namespace", sandbox.getMetadata().getNamespace());
    map.put("template", sandbox.getSpec().sandboxTemplateRef().name());
    map.put("mode", sandbox.getSpec().effectiveOperatingMode().name());
    map.put("observedMode", status.map(SandboxStatus::operatingMode).map(Enum::name).orElse(null));
    Optional<Condition> ready = status.flatMap(s -> condition(s, ConditionTypes.READY));
    map.put("ready", ready.map(Condition::status).orElse(null));
    map.put("reason", ready.map(Condition::reason).orElse(null));
    map.put("dns", status.map(SandboxStatus::serviceFQDN).orElse(null));
    map.put("pod", status.map(SandboxStatus::podName).orElse(null));
    map.put("node", status.map(SandboxStatus::nodeName).orElse(null));
    map.put("volumeClaim", status.map(SandboxStatus::volumeClaimName).orElse(null));
    map.put("volume", status.map(SandboxStatus::volumeName).orElse(null));
    map.put("timings", status.map(SandboxStatus::timings).orElse(null));
    map.put("conditions", status.map(SandboxStatus::conditions).orElse(List.of()));
    return map;
  }

  private static Optional<Condition> condition(SandboxStatus status, String type) {
    return Optional.ofNullable(Conditions.find(status.conditions(), type));
  }

  private static String timing(Sandbox sandbox, Function<SandboxTimings, String> field) {
    return Optional.ofNullable(sandbox.getStatus())
        .map(SandboxStatus::timings)
        .map(field)
        .orElse("-");
  }

  private void print(boolean json, Map<String, Object> result, String line) {
    out.println(json ? new KubernetesSerialization().asJson(result) : line);
  }
}

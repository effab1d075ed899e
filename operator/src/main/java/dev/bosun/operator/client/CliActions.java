package dev.bosun.operator.client;

import static dev.bosun.gpu.ExitCodes.FAILED;
import static dev.bosun.gpu.ExitCodes.INVALID_INPUT;
import static dev.bosun.gpu.ExitCodes.OK;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.InvalidWorkloadException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The deployment commands of the CLI, with their output and exit codes (0 ok, 2 invalid input or a
 * refused request, 1 an internal or cluster error). The picocli classes only parse options.
 */
public final class CliActions {
  private final Supplier<KubernetesClient> clients;
  private final PrintWriter out;
  private final PrintWriter err;

  public CliActions(Supplier<KubernetesClient> clients, PrintWriter out, PrintWriter err) {
    this.clients = clients;
    this.out = out;
    this.err = err;
  }

  /** What a command does with the cluster; its exit code. */
  public interface Action {
    int run(KubernetesClient client) throws IOException;
  }

  /**
   * Runs {@code action} on a fresh client with the CLI's one treatment of failures: a {@link
   * UserError} or a refused request is invalid input, an unreachable cluster or a bug a failure,
   * each said in one line.
   */
  public int guarded(Action action) {
    try (KubernetesClient client = clients.get()) {
      return action.run(client);
    } catch (UserError e) {
      err.println("bosun: " + e.getMessage());
      return INVALID_INPUT;
    } catch (KubernetesClientException e) {
      err.println(
          "bosun: the cluster refused or could not be reached: "
              + (e.getStatus() != null && e.getStatus().getMessage() != null
                  ? e.getStatus().getMessage()
                  : e.getMessage()));
      return e.getCode() == 422 ? INVALID_INPUT : FAILED;
    } catch (IOException | RuntimeException e) {
      err.println("bosun: internal error: " + e);
      return FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * {@code bosun deploy -f FILE --env NAME [--wait]}: the Workloads the CLI read from {@code file},
   * which names them in messages.
   */
  public int deploy(
      String file,
      List<Workload> workloads,
      String environmentName,
      boolean wait,
      Duration timeout) {
    return guarded(
        client -> {
          var workloadClient = new WorkloadClient(client);
          Environment environment = workloadClient.environment(environmentName);
          checkCompiles(client, file, workloads, environment);
          List<Workload> applied = new ArrayList<>();
          for (Workload workload : workloads) {
            Workload stored = workloadClient.deploy(workload, environmentName);
            out.println(
                "workload/"
                    + stored.getMetadata().getName()
                    + " applied to "
                    + environmentName
                    + " (namespace "
                    + stored.getMetadata().getNamespace()
                    + ", generation "
                    + stored.getMetadata().getGeneration()
                    + ")");
            applied.add(stored);
          }
          if (!wait) {
            return OK;
          }
          int exit = OK;
          for (Workload stored : applied) {
            String name = stored.getMetadata().getName();
            var outcome =
                workloadClient.await(
                    stored.getMetadata().getNamespace(),
                    name,
                    timeout,
                    line -> {
                      out.println(name + ": " + line);
                      out.flush();
                    });
            switch (outcome) {
              case READY -> out.println(name + ": Ready");
              case DEGRADED -> {
                err.println("bosun: " + name + " failed; see its Degraded condition above");
                exit = FAILED;
              }
              case TIMED_OUT -> {
                err.println(
                    "bosun: "
                        + name
                        + " was not Ready within "
                        + timeout.toSeconds()
                        + " s; `bosun status "
                        + name
                        + "` tells why");
                exit = FAILED;
              }
            }
          }
          return exit;
        });
  }

  /**
   * The same compiler as the operator, with the cluster's Tier: bad input stops here, with the
   * field named.
   */
  private static void checkCompiles(
      KubernetesClient client, String file, List<Workload> workloads, Environment environment) {
    List<String> problems = new ArrayList<>();
    for (Workload workload : workloads) {
      String object = file + ": Workload/" + workload.getMetadata().getName() + ": ";
      Tier tier = client.resources(Tier.class).withName(workload.getSpec().size()).get();
      if (tier == null) {
        problems.add(
            object
                + "spec.size: tier \""
                + workload.getSpec().size()
                + "\" does not exist in this cluster");
        continue;
      }
      var placed = new KubernetesSerialization().clone(workload);
      placed.getMetadata().setNamespace(environment.getSpec().namespace());
      try {
        Compiler.compile(placed, tier, environment);
      } catch (InvalidWorkloadException e) {
        e.problems().forEach(p -> problems.add(object + p));
      }
    }
    if (!problems.isEmpty()) {
      throw new UserError(String.join("\n", problems));
    }
  }

  /** {@code bosun status [NAME] [-n NAMESPACE] [-o json]}. */
  public int status(String name, String namespace, boolean json) {
    return guarded(
        client -> {
          var rows = new WorkloadClient(client).status(namespace, name);
          if (json) {
            out.println(
                new KubernetesSerialization()
                    .asJson(rows.stream().map(CliActions::asMap).toList()));
            return OK;
          }
          List<String[]> table = new ArrayList<>();
          table.add(
              new String[] {
                "WORKLOAD",
                "NAMESPACE",
                "ENVIRONMENT",
                "TIER",
                "READY",
                "GPUS",
                "NODES",
                "SCALING",
                "GATES",
                "CONDITIONS"
              });
          for (var row : rows) {
            table.add(
                new String[] {
                  row.workload(),
                  row.namespace(),
                  orDash(row.environment()),
                  row.tier(),
                  row.ready(),
                  Integer.toString(row.gpus()),
                  row.nodes().isEmpty() ? "-" : String.join(",", row.nodes()),
                  WorkloadClient.scalingCell(row.scaling()),
                  WorkloadClient.gatesCell(row.gates()),
                  conditions(row.conditions())
                });
          }
          printTable(table);
          return OK;
        });
  }

  private static Map<String, Object> asMap(WorkloadClient.Row row) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("workload", row.workload());
    map.put("namespace", row.namespace());
    map.put("environment", row.environment());
    map.put("tier", row.tier());
    map.put("ready", row.ready());
    map.put("gpus", row.gpus());
    map.put("nodes", row.nodes());
    map.put("scaling", row.scaling());
    map.put("conditions", row.conditions());
    map.put("gates", row.gates());
    return map;
  }

  /**
   * Ready=True, then each True problem and a False ScalingActive with its reason: what a human acts
   * on.
   */
  private static String conditions(List<Condition> conditions) {
    if (conditions == null || conditions.isEmpty()) {
      return "-";
    }
    return conditions.stream()
        .filter(
            c ->
                c.type().equals(ConditionTypes.READY)
                    || "True".equals(c.status()) != c.type().equals(ConditionTypes.SCALING_ACTIVE))
        .map(
            c ->
                c.type()
                    + "="
                    + c.status()
                    + (c.reason() == null
                            || c.type().equals(ConditionTypes.READY) && "True".equals(c.status())
                        ? ""
                        : "(" + c.reason() + ")"))
        .collect(Collectors.joining(" "));
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  /** Columns padded to the widest cell, as kubectl prints them. */
  void printTable(List<String[]> rows) {
    int[] widths = new int[rows.getFirst().length];
    rows.forEach(
        r -> {
          for (int i = 0; i < r.length; i++) widths[i] = Math.max(widths[i], r[i].length());
        });
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /**
   * {@code bosun promote NAME --from staging --to production [--router URL]}: the target's gates
   * first (their progress as it happens), then the digest pinned; a failed gate refuses it with
   * exit code 2, naming the gate and its evidence.
   *
   * @param router the router's base URL, or null when none is known
   */
  public int promote(String name, String from, String to, URI router) {
    return guarded(
        client -> {
          var promotion =
              new WorkloadClient(client)
                  .promote(
                      name,
                      from,
                      to,
                      router,
                      line -> {
                        out.println("gates: " + line);
                        out.flush();
                      });
          out.println(
              "workload/"
                  + name
                  + " promoted from "
                  + from
                  + " to "
                  + to
                  + " with image "
                  + promotion.promoted().getSpec().image()
                  + (promotion.gates() == null
                      ? ""
                      : " (" + promotion.gates().results().size() + " gates passed)"));
          return OK;
        });
  }

  /** {@code bosun delete NAME --env NAME}. */
  public int delete(String name, String environmentName) {
    return guarded(
        client -> {
          new WorkloadClient(client).delete(name, environmentName);
          out.println("workload/" + name + " deleted from " + environmentName);
          return OK;
        });
  }

  /**
   * {@code bosun gpu breaker reset}: asks the operator to close the GPU quarantine circuit breaker
   * by dating the reset on the policy ({@value GpuQuarantine#BREAKER_RESET_AT}). The operator alone
   * writes the policy's status: it closes the breaker, and counts only quarantines begun after the
   * reset against the budget.
   */
  public int breakerReset(Instant now) {
    return guarded(
        client -> {
          var policies = client.resources(GpuHealthPolicy.class);
          GpuHealthPolicy policy = policies.withName(GpuHealthPolicy.DEFAULT).get();
          if (policy == null) {
            throw new UserError(
                "no GpuHealthPolicy \""
                    + GpuHealthPolicy.DEFAULT
                    + "\": install it first, e.g. kubectl apply --server-side -k deploy/");
          }
          boolean tripped =
              policy.getStatus() != null && policy.getStatus().breakerTrippedAt() != null;
          policies
              .withName(GpuHealthPolicy.DEFAULT)
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  Serialization.asJson(
                      Map.of(
                          "metadata",
                          Map.of(
                              "annotations",
                              Map.of(GpuQuarantine.BREAKER_RESET_AT, now.toString())))));
          out.println(
              tripped
                  ? "gpuhealthpolicy/"
                      + GpuHealthPolicy.DEFAULT
                      + ": breaker reset (it tripped at "
                      + policy.getStatus().breakerTrippedAt()
                      + "); the operator quarantines again, counting from now"
                  : "gpuhealthpolicy/"
                      + GpuHealthPolicy.DEFAULT
                      + ": the breaker was not tripped; the budget now counts quarantines from now");
          return OK;
        });
  }
}

package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.GpuBudget;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a deployment agent may do, decided from its DeploymentAgentPolicy and what it uses: no I/O,
 * so each rule is a row of a table test. A refusal names the rule ({@code
 * DeploymentAgentPolicy/<name> spec.<field>}) and what a person changes to allow the call.
 *
 * <p>The rules, in order: exactly one policy names the agent (none: it may only read); an
 * Environment that is promoted into is reached by promotion only; the Environment is one the policy
 * lists (staging when absent); the tier is one it lists (every tier when absent); a deploy that
 * asks for GPUs fits the concurrent GPUs and the day's GPU-hours (none when the policy has no
 * budget).
 */
public final class AgentPolicyDecision {
  private AgentPolicyDecision() {}

  /**
   * A deploy an agent asks for.
   *
   * @param workload the Workload's name
   * @param environment the Environment it goes to
   * @param promotesFrom that Environment's {@code spec.promotesFrom}: null unless it is promoted
   *     into
   * @param tier the Workload's size
   * @param gpus the GPUs it holds at its most replicas
   */
  public record DeployRequest(
      String workload, String environment, String promotesFrom, String tier, int gpus) {}

  /**
   * What the policy's agents use now.
   *
   * @param heldGpus GPUs their other Workloads hold at their most replicas (the one being
   *     redeployed left out)
   * @param gpuSecondsToday GPU-seconds they used today (UTC)
   */
  public record Usage(int heldGpus, long gpuSecondsToday) {
    public static final Usage NONE = new Usage(0, 0);
  }

  public static Verdict deploy(
      String agent, List<DeploymentAgentPolicy> naming, DeployRequest request, Usage usage) {
    if (single(agent, naming) instanceof Verdict.Refused refused) {
      return refused;
    }
    DeploymentAgentPolicy policy = naming.getFirst();
    String name = policy.getMetadata().getName();
    DeploymentAgentPolicySpec spec = policy.getSpec();
    String environment = request.environment();
    if (request.promotesFrom() != null) {
      return new Verdict.Refused(
          "Environment/" + environment + " spec.promotesFrom",
          environment
              + " is promoted into from "
              + request.promotesFrom()
              + ", so no agent deploys to it directly, whatever its policy lists",
          "deploy to "
              + request.promotesFrom()
              + " and promote: "
              + (spec.promoteToOrDefault().contains(environment)
                  ? "this policy lets its agents promote into "
                      + environment
                      + " (the promote tool), once "
                      + environment
                      + "'s gates pass"
                  : promoteHint(name, request.workload(), request.promotesFrom(), environment)));
    }
    if (!spec.environmentsOrDefault().contains(environment)) {
      return new Verdict.Refused(
          rule(name, "spec.environments"),
          "DeploymentAgentPolicy "
              + name
              + " lets its agents deploy to "
              + listed(spec.environmentsOrDefault())
              + ", not "
              + environment
              + (spec.environments() == null ? " (spec.environments is absent: staging)" : ""),
          add(environment, "spec.environments", name));
    }
    if (!spec.allowsTier(request.tier())) {
      return new Verdict.Refused(
          rule(name, "spec.tiers"),
          "DeploymentAgentPolicy "
              + name
              + " lets its agents deploy the tiers "
              + listed(spec.tiers())
              + ", not "
              + request.tier(),
          add(request.tier(), "spec.tiers", name));
    }
    if (request.gpus() > 0) {
      return gpuBudget(name, spec.gpuBudgetOrDefault(), spec.gpuBudget() == null, request, usage);
    }
    return Verdict.ALLOWED;
  }

  private static Verdict gpuBudget(
      String name, GpuBudget budget, boolean absent, DeployRequest request, Usage usage) {
    int concurrent = budget.concurrentGpusOrDefault();
    int wanted = usage.heldGpus() + request.gpus();
    if (wanted > concurrent) {
      return new Verdict.Refused(
          rule(name, "spec.gpuBudget.concurrentGpus"),
          (absent
              ? "DeploymentAgentPolicy " + name + " gives its agents no GPUs (no spec.gpuBudget)"
              : "the agents of DeploymentAgentPolicy "
                  + name
                  + " hold "
                  + usage.heldGpus()
                  + " GPUs and "
                  + request.workload()
                  + " asks for "
                  + request.gpus()
                  + ": "
                  + wanted
                  + " would exceed the budget of "
                  + concurrent
                  + " concurrent GPUs"),
          "delete or shrink one of the agents' GPU Workloads (they carry the label "
              + DeploymentAgentPolicy.POLICY_LABEL
              + "="
              + name
              + "), or raise spec.gpuBudget.concurrentGpus of DeploymentAgentPolicy "
              + name
              + " to "
              + wanted
              + " (kubectl edit deploymentagentpolicy "
              + name
              + ")");
    }
    long allowedSeconds = budget.gpuHoursPerDayOrDefault() * 3600L;
    if (usage.gpuSecondsToday() >= allowedSeconds) {
      return new Verdict.Refused(
          rule(name, "spec.gpuBudget.gpuHoursPerDay"),
          "the agents of DeploymentAgentPolicy "
              + name
              + " used "
              + hours(usage.gpuSecondsToday())
              + " of "
              + budget.gpuHoursPerDayOrDefault()
              + " GPU-hours today (UTC), so "
              + request.workload()
              + " may not take "
              + request.gpus()
              + " more GPUs",
          "wait for midnight UTC, when the day's budget starts again, or raise"
              + " spec.gpuBudget.gpuHoursPerDay of DeploymentAgentPolicy "
              + name
              + " (kubectl edit deploymentagentpolicy "
              + name
              + ")");
    }
    return Verdict.ALLOWED;
  }

  public static Verdict promote(
      String agent, List<DeploymentAgentPolicy> naming, String workload, String from, String to) {
    if (single(agent, naming) instanceof Verdict.Refused refused) {
      return refused;
    }
    DeploymentAgentPolicy policy = naming.getFirst();
    String name = policy.getMetadata().getName();
    List<String> promoteTo = policy.getSpec().promoteToOrDefault();
    if (!promoteTo.contains(to)) {
      return new Verdict.Refused(
          rule(name, "spec.promoteTo"),
          "DeploymentAgentPolicy "
              + name
              + (promoteTo.isEmpty()
                  ? " lets its agents promote into no Environment (spec.promoteTo is absent)"
                  : " lets its agents promote into " + listed(promoteTo) + ", not " + to),
          promoteHint(name, workload, from, to));
    }
    return Verdict.ALLOWED;
  }

  /**
   * @param namespaces the namespace of each Environment by name
   * @param promotedInto the Environments that are promoted into, whose namespaces are off limits
   */
  public static Verdict sandboxes(
      String agent,
      List<DeploymentAgentPolicy> naming,
      String namespace,
      Map<String, String> namespaces,
      List<String> promotedInto) {
    if (single(agent, naming) instanceof Verdict.Refused refused) {
      return refused;
    }
    DeploymentAgentPolicy policy = naming.getFirst();
    String name = policy.getMetadata().getName();
    List<String> allowed =
        policy.getSpec().environmentsOrDefault().stream()
            .filter(environment -> !promotedInto.contains(environment))
            .map(namespaces::get)
            .filter(Objects::nonNull)
            .toList();
    if (!allowed.contains(namespace)) {
      return new Verdict.Refused(
          rule(name, "spec.environments"),
          "agents manage sandboxes in the namespaces of the Environments they deploy to ("
              + listed(allowed)
              + " under DeploymentAgentPolicy "
              + name
              + "), not in "
              + namespace,
          "add the Environment whose namespace is "
              + namespace
              + " to spec.environments of DeploymentAgentPolicy "
              + name
              + " (kubectl edit deploymentagentpolicy "
              + name
              + ")");
    }
    return Verdict.ALLOWED;
  }

  /** The policies, of {@code policies}, that name {@code agent}. */
  public static List<DeploymentAgentPolicy> naming(
      String agent, List<DeploymentAgentPolicy> policies) {
    return policies.stream()
        .filter(p -> p.getSpec() != null && p.getSpec().agents() != null)
        .filter(p -> p.getSpec().agents().names(agent))
        .toList();
  }

  /** Refused unless exactly one policy names the agent. */
  private static Verdict single(String agent, List<DeploymentAgentPolicy> naming) {
    if (naming.isEmpty()) {
      return new Verdict.Refused(
          "DeploymentAgentPolicy",
          "no DeploymentAgentPolicy names the agent " + agent + ", so it may only read",
          "a platform engineer names it in one: kubectl apply -f with apiVersion bosun.dev/v1alpha1,"
              + " kind DeploymentAgentPolicy, spec.agents."
              + subjectHint(agent)
              + " (deploy/deployment-agent-policy/default.yaml is an example)");
    }
    if (naming.size() > 1) {
      String names =
          naming.stream()
              .map(p -> p.getMetadata().getName())
              .sorted()
              .collect(Collectors.joining(", "));
      return new Verdict.Refused(
          "DeploymentAgentPolicy",
          "the DeploymentAgentPolicies " + names + " all name the agent " + agent + "; one must",
          "remove " + agent + " from spec.agents of all but one of " + names);
    }
    return Verdict.ALLOWED;
  }

  private static String subjectHint(String agent) {
    if (agent.startsWith(ServiceAccountName.USER_PREFIX)) {
      String[] parts = agent.substring(ServiceAccountName.USER_PREFIX.length()).split(":", 2);
      if (parts.length == 2) {
        return "serviceAccounts: [{namespace: " + parts[0] + ", name: " + parts[1] + "}]";
      }
    }
    return "users: [" + agent + "]";
  }

  private static String promoteHint(String policy, String workload, String from, String to) {
    return "add \""
        + to
        + "\" to spec.promoteTo of DeploymentAgentPolicy "
        + policy
        + ", or promote by hand: bosun promote "
        + workload
        + " --from "
        + from
        + " --to "
        + to;
  }

  private static String add(String value, String field, String policy) {
    return "add \""
        + value
        + "\" to "
        + field
        + " of DeploymentAgentPolicy "
        + policy
        + " (kubectl edit deploymentagentpolicy "
        + policy
        + ")";
  }

  private static String rule(String policy, String field) {
    return "DeploymentAgentPolicy/" + policy + " " + field;
  }

  private static String listed(List<String> values) {
    return values.isEmpty() ? "none" : String.join(", ", values);
  }

  /** GPU-seconds as hours with two decimals, such as 12.50. */
  static String hours(long gpuSeconds) {
    return String.format(Locale.ROOT, "%.2f", gpuSeconds / 3600.0);
  }
}

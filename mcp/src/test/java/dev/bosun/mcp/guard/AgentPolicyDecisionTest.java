package dev.bosun.mcp.guard;

import static dev.bosun.mcp.guard.Policies.AGENT;
import static dev.bosun.mcp.guard.Policies.ciAgent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.AgentSubjects;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.GpuBudget;
import dev.bosun.mcp.guard.AgentPolicyDecision.DeployRequest;
import dev.bosun.mcp.guard.AgentPolicyDecision.Usage;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule of a deployment agent's policy, a row: allowed, or refused by the rule named. */
class AgentPolicyDecisionTest {
  private static final DeploymentAgentPolicy DEFAULTS = ciAgent(null, null, null, null);
  private static final DeploymentAgentPolicy GPUS =
      ciAgent(List.of("staging", "qa"), List.of("production"), null, new GpuBudget(8, 24));

  private static DeployRequest cpu(String environment) {
    return new DeployRequest("chat", environment, null, "cpu-s", 0);
  }

  private static DeployRequest gpu(int gpus) {
    return new DeployRequest("llm", "staging", null, "gpu-m", gpus);
  }

  private static final DeployRequest TO_PRODUCTION =
      new DeployRequest("chat", "production", "staging", "cpu-s", 0);

  /** policy, request, usage, the rule that refuses (null: allowed), words the refusal says. */
  static Stream<Arguments> deploys() {
    return Stream.of(
        Arguments.of("defaults: staging", DEFAULTS, cpu("staging"), Usage.NONE, null, null),
        Arguments.of(
            "defaults: not qa",
            DEFAULTS,
            cpu("qa"),
            Usage.NONE,
            "DeploymentAgentPolicy/ci-agent spec.environments",
            "add \"qa\" to spec.environments of DeploymentAgentPolicy ci-agent"),
        Arguments.of("listed environment", GPUS, cpu("qa"), Usage.NONE, null, null),
        Arguments.of(
            "production is promoted into, even when listed",
            ciAgent(List.of("staging", "production"), null, null, null),
            TO_PRODUCTION,
            Usage.NONE,
            "Environment/production spec.promotesFrom",
            "add \"production\" to spec.promoteTo of DeploymentAgentPolicy ci-agent, or promote by"
                + " hand: bosun promote chat --from staging --to production"),
        Arguments.of(
            "production is promoted into, even when the agent may promote there",
            GPUS,
            TO_PRODUCTION,
            Usage.NONE,
            "Environment/production spec.promotesFrom",
            "deploy to staging and promote: this policy lets its agents promote into production"
                + " (the promote tool), once production's gates pass"),
        Arguments.of(
            "tier not listed",
            ciAgent(null, null, List.of("cpu-s", "cpu-m"), null),
            new DeployRequest("chat", "staging", null, "cpu-l", 0),
            Usage.NONE,
            "DeploymentAgentPolicy/ci-agent spec.tiers",
            "add \"cpu-l\" to spec.tiers of DeploymentAgentPolicy ci-agent"),
        Arguments.of(
            "tier listed",
            ciAgent(null, null, List.of("cpu-s"), null),
            cpu("staging"),
            Usage.NONE,
            null,
            null),
        Arguments.of(
            "no budget: no GPUs",
            DEFAULTS,
            gpu(1),
            Usage.NONE,
            "DeploymentAgentPolicy/ci-agent spec.gpuBudget.concurrentGpus",
            "gives its agents no GPUs"),
        Arguments.of("within the budget", GPUS, gpu(4), new Usage(4, 0), null, null),
        Arguments.of(
            "over the concurrent GPUs",
            GPUS,
            gpu(4),
            new Usage(6, 0),
            "DeploymentAgentPolicy/ci-agent spec.gpuBudget.concurrentGpus",
            "hold 6 GPUs and llm asks for 4: 10 would exceed the budget of 8 concurrent GPUs"),
        Arguments.of(
            "the day's GPU-hours spent",
            GPUS,
            gpu(1),
            new Usage(0, 24 * 3600),
            "DeploymentAgentPolicy/ci-agent spec.gpuBudget.gpuHoursPerDay",
            "used 24.00 of 24 GPU-hours today (UTC)"),
        Arguments.of("GPU-hours left", GPUS, gpu(1), new Usage(0, 24 * 3600 - 1), null, null),
        Arguments.of(
            "a CPU deploy ignores a spent GPU budget",
            GPUS,
            cpu("staging"),
            new Usage(8, 24 * 3600),
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deploys")
  void deploy(
      String row,
      DeploymentAgentPolicy policy,
      DeployRequest request,
      Usage usage,
      String rule,
      String says) {
    Verdict verdict = AgentPolicyDecision.deploy(AGENT, List.of(policy), request, usage);
    if (rule == null) {
      assertThat(verdict).isEqualTo(Verdict.ALLOWED);
    } else {
      assertThat(verdict).isInstanceOf(Verdict.Refused.class);
      var refused = (Verdict.Refused) verdict;
      assertThat(refused.rule()).isEqualTo(rule);
      assertThat(refused.reason() + " / " + refused.howToAllow()).contains(says);
    }
  }

  @Test
  void withoutAPolicyNamingTheAgentEveryWriteIsRefusedAndSaysHowToCreateOne() {
    var other =
        Policies.policy(
            "other",
            new DeploymentAgentPolicySpec(
                new AgentSubjects(null, List.of("someone-else")), null, null, null, null, null));
    var naming = AgentPolicyDecision.naming(AGENT, List.of(other));
    assertThat(naming).isEmpty();

    for (Verdict verdict :
        List.of(
            AgentPolicyDecision.deploy(AGENT, naming, cpu("staging"), Usage.NONE),
            AgentPolicyDecision.promote(AGENT, naming, "chat", "staging", "production"),
            AgentPolicyDecision.sandboxes(AGENT, naming, "staging", Map.of(), List.of()))) {
      var refused = (Verdict.Refused) verdict;
      assertThat(refused.rule()).isEqualTo("DeploymentAgentPolicy");
      assertThat(refused.reason()).contains("no DeploymentAgentPolicy names the agent " + AGENT);
      assertThat(refused.howToAllow())
          .contains("kind DeploymentAgentPolicy")
          .contains("serviceAccounts: [{namespace: ci, name: deployer}]");
    }
  }

  @Test
  void twoPoliciesNamingOneAgentRefuseRatherThanGuessWhich() {
    var second = Policies.policy("second", DEFAULTS.getSpec());
    var naming = AgentPolicyDecision.naming(AGENT, List.of(DEFAULTS, second));
    var refused =
        (Verdict.Refused) AgentPolicyDecision.deploy(AGENT, naming, cpu("staging"), Usage.NONE);
    assertThat(refused.reason()).contains("ci-agent, second all name the agent");
    assertThat(refused.howToAllow()).contains("all but one of ci-agent, second");
  }

  @Test
  void aPolicyNamesUsersAndServiceAccounts() {
    var users =
        Policies.policy(
            "users",
            new DeploymentAgentPolicySpec(
                new AgentSubjects(null, List.of("ci-agent@example.com")),
                null,
                null,
                null,
                null,
                null));
    assertThat(AgentPolicyDecision.naming("ci-agent@example.com", List.of(users, DEFAULTS)))
        .containsExactly(users);
    assertThat(AgentPolicyDecision.naming(AGENT, List.of(users, DEFAULTS)))
        .containsExactly(DEFAULTS);
    assertThat(AgentPolicyDecision.naming("system:serviceaccount:ci:other", List.of(DEFAULTS)))
        .isEmpty();
  }

  /** from, to, the rule that refuses (null: allowed). */
  static Stream<Arguments> promotions() {
    return Stream.of(
        Arguments.of(DEFAULTS, "production", "DeploymentAgentPolicy/ci-agent spec.promoteTo"),
        Arguments.of(GPUS, "production", null),
        Arguments.of(GPUS, "canary", "DeploymentAgentPolicy/ci-agent spec.promoteTo"));
  }

  @ParameterizedTest
  @MethodSource("promotions")
  void promote(DeploymentAgentPolicy policy, String to, String rule) {
    Verdict verdict = AgentPolicyDecision.promote(AGENT, List.of(policy), "chat", "staging", to);
    if (rule == null) {
      assertThat(verdict).isEqualTo(Verdict.ALLOWED);
    } else {
      var refused = (Verdict.Refused) verdict;
      assertThat(refused.rule()).isEqualTo(rule);
      assertThat(refused.howToAllow())
          .isEqualTo(
              "add \""
                  + to
                  + "\" to spec.promoteTo of DeploymentAgentPolicy ci-agent, or promote by hand:"
                  + " bosun promote chat --from staging --to "
                  + to);
    }
  }

  @Test
  void sandboxesLiveInTheNamespacesOfTheEnvironmentsTheAgentDeploysTo() {
    var namespaces = Map.of("staging", "ns-staging", "qa", "ns-qa", "production", "ns-prod");
    var listsProduction = ciAgent(List.of("staging", "production"), null, null, null);
    assertThat(
            AgentPolicyDecision.sandboxes(
                AGENT, List.of(listsProduction), "ns-staging", namespaces, List.of("production")))
        .isEqualTo(Verdict.ALLOWED);
    for (String namespace : List.of("ns-prod", "ns-qa", "kube-system")) {
      var refused =
          (Verdict.Refused)
              AgentPolicyDecision.sandboxes(
                  AGENT, List.of(listsProduction), namespace, namespaces, List.of("production"));
      assertThat(refused.rule()).isEqualTo("DeploymentAgentPolicy/ci-agent spec.environments");
      assertThat(refused.reason()).contains("(ns-staging under DeploymentAgentPolicy ci-agent)");
    }
  }
}

package dev.bosun.mcp.guard;

import static dev.bosun.mcp.guard.Policies.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.GpuBudget;
import dev.bosun.api.v1alpha1.GpuUsage;
import dev.bosun.mcp.guard.AgentPolicyDecision.DeployRequest;
import dev.bosun.mcp.guard.AgentPolicyDecision.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * What holds for every policy and every request, not only the table's rows: no argument takes an
 * agent into an Environment that is promoted into, no policy means no write, an allowed deploy
 * satisfies every field of the policy, and each refusal says what refused it and how to allow it.
 */
class AgentPolicyProperties {
  private static final List<String> ENVIRONMENTS =
      List.of("staging", "qa", "dev", "production", "canary");
  private static final List<String> TIERS = List.of("cpu-s", "cpu-m", "gpu-s", "gpu-m", "gpu-xl");

  @Provide
  Arbitrary<DeploymentAgentPolicy> policies() {
    Arbitrary<List<String>> environments =
        Arbitraries.of(ENVIRONMENTS).list().uniqueElements().ofMaxSize(5).injectNull(0.3);
    Arbitrary<List<String>> tiers =
        Arbitraries.of(TIERS).list().uniqueElements().ofMaxSize(5).injectNull(0.3);
    Arbitrary<GpuBudget> budgets =
        Combinators.combine(
                Arbitraries.integers().between(0, 64).injectNull(0.2),
                Arbitraries.integers().between(0, 1000).injectNull(0.2))
            .as(GpuBudget::new)
            .injectNull(0.3);
    return Combinators.combine(environments, environments, tiers, budgets).as(Policies::ciAgent);
  }

  @Provide
  Arbitrary<DeployRequest> requests() {
    return Combinators.combine(
            Arbitraries.of(ENVIRONMENTS),
            Arbitraries.of(ENVIRONMENTS).injectNull(0.5),
            Arbitraries.of(TIERS),
            Arbitraries.integers().between(0, 64))
        .as(
            (environment, from, tier, gpus) ->
                new DeployRequest("app", environment, from, tier, gpus));
  }

  @Provide
  Arbitrary<Usage> usages() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 128), Arbitraries.longs().between(0, 200 * 3600L))
        .as(Usage::new);
  }

  @Property
  void anEnvironmentThatIsPromotedIntoIsNeverADeployTarget(
      @ForAll("policies") DeploymentAgentPolicy policy,
      @ForAll("requests") DeployRequest request,
      @ForAll("usages") Usage usage) {
    var promotedInto =
        new DeployRequest(
            request.workload(), request.environment(), "staging", request.tier(), request.gpus());
    var verdict = AgentPolicyDecision.deploy(AGENT, List.of(policy), promotedInto, usage);
    assertThat(verdict).isInstanceOf(Verdict.Refused.class);
    assertThat(((Verdict.Refused) verdict).rule())
        .isEqualTo("Environment/" + request.environment() + " spec.promotesFrom");
  }

  @Property
  void withoutAPolicyNothingIsWritten(
      @ForAll("requests") DeployRequest request,
      @ForAll("usages") Usage usage,
      @ForAll("environments") String from,
      @ForAll("environments") String to) {
    for (Verdict verdict :
        List.of(
            AgentPolicyDecision.deploy(AGENT, List.of(), request, usage),
            AgentPolicyDecision.promote(AGENT, List.of(), "app", from, to))) {
      assertThat(((Verdict.Refused) verdict).rule()).isEqualTo("DeploymentAgentPolicy");
    }
  }

  @Provide
  Arbitrary<String> environments() {
    return Arbitraries.of(ENVIRONMENTS);
  }

  @Property
  void anAllowedDeploySatisfiesEveryFieldOfThePolicy(
      @ForAll("policies") DeploymentAgentPolicy policy,
      @ForAll("requests") DeployRequest request,
      @ForAll("usages") Usage usage) {
    var spec = policy.getSpec();
    var verdict = AgentPolicyDecision.deploy(AGENT, List.of(policy), request, usage);
    boolean fits =
        request.promotesFrom() == null
            && spec.environmentsOrDefault().contains(request.environment())
            && spec.allowsTier(request.tier())
            && (request.gpus() == 0
                || usage.heldGpus() + request.gpus()
                        <= spec.gpuBudgetOrDefault().concurrentGpusOrDefault()
                    && usage.gpuSecondsToday()
                        < spec.gpuBudgetOrDefault().gpuHoursPerDayOrDefault() * 3600L);
    assertThat(verdict instanceof Verdict.Allowed).isEqualTo(fits);
    if (verdict instanceof Verdict.Refused refused) {
      assertThat(refused.rule()).isNotBlank();
      assertThat(refused.reason()).isNotBlank();
      assertThat(refused.howToAllow()).isNotBlank();
    }
  }

  @Property
  void aCpuDeployNeverMeetsTheGpuBudget(
      @ForAll("policies") DeploymentAgentPolicy policy,
      @ForAll("requests") DeployRequest request,
      @ForAll("usages") Usage usage) {
    var cpu =
        new DeployRequest(
            request.workload(), request.environment(), request.promotesFrom(), request.tier(), 0);
    assertThat(AgentPolicyDecision.deploy(AGENT, List.of(policy), cpu, usage))
        .isEqualTo(AgentPolicyDecision.deploy(AGENT, List.of(policy), cpu, Usage.NONE));
  }

  @Property
  void aPromotionIsAllowedExactlyIntoPromoteTo(
      @ForAll("policies") DeploymentAgentPolicy policy, @ForAll("environments") String to) {
    var verdict = AgentPolicyDecision.promote(AGENT, List.of(policy), "app", "staging", to);
    assertThat(verdict instanceof Verdict.Allowed)
        .isEqualTo(policy.getSpec().promoteToOrDefault().contains(to));
  }

  @Property
  void theLedgerNeverLosesTimeAndChargesAtMostWhatTheGpusCouldUse(
      @ForAll @IntRange(min = 0, max = 64) int gpus,
      @ForAll @LongRange(min = 0, max = 3 * 86400L) long createdAfter,
      @ForAll @LongRange(min = 0, max = 86400L) long firstAfter,
      @ForAll @LongRange(min = 0, max = 86400L) long secondAfter) {
    Instant start = Instant.parse("2026-12-02T00:00:00Z");
    Instant created = start.plusSeconds(createdAfter);
    Instant first = start.plusSeconds(firstAfter);
    Instant second = first.plusSeconds(secondAfter);
    var held = List.of(new GpuLedger.Held(gpus, created));
    GpuUsage one = GpuLedger.accrue(null, held, gpus, first);
    GpuUsage two = GpuLedger.accrue(one, held, gpus, second);
    if (two.day().equals(one.day())) {
      assertThat(two.gpuSeconds()).isGreaterThanOrEqualTo(one.gpuSeconds());
    }
    Instant midnight = Instant.parse(two.day() + "T00:00:00Z");
    long most = gpus * Math.max(0, Duration.between(midnight, second).toSeconds());
    assertThat(two.gpuSeconds()).isBetween(0L, most);
    // Two accruals charge what one at the end would: no interval twice, none lost.
    assertThat(two.gpuSeconds()).isEqualTo(GpuLedger.accrue(null, held, gpus, second).gpuSeconds());
  }
}

package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicyStatus;
import dev.bosun.api.v1alpha1.GpuUsage;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.operator.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU ledgers of the DeploymentAgentPolicies, in their status: read, accrued ({@link
 * GpuLedger}) and written back with the server's own client. The guardrails accrue a policy's
 * ledger on every decision about a GPU deploy; a server may also call {@link #accrueAll} now and
 * then, so that a Workload deleted between two deploys is charged closer to its end.
 */
public final class GpuLedgers {
  private static final Logger LOG = LoggerFactory.getLogger(GpuLedgers.class);

  /** Attempts at a ledger write before the decision goes on with what was read. */
  private static final int LEDGER_ATTEMPTS = 5;

  private final KubernetesClient server;
  private final Clock clock;

  public GpuLedgers(KubernetesClient server, Clock clock) {
    this.server = server;
    this.clock = clock;
  }

  /** Accrues the ledger of every policy to now. */
  public void accrueAll() {
    Map<String, Tier> tiers = tiers();
    for (DeploymentAgentPolicy policy :
        server.resources(DeploymentAgentPolicy.class).list().getItems()) {
      var tally = tally(policy, tiers, null, null);
      accrue(policy, tally.running(), tally.reserved());
    }
  }

  /**
   * What the policy's agents use, with the ledger accrued to now and written back: GPUs held by
   * their Workloads other than the one being (re)deployed, and the day's GPU-seconds.
   */
  AgentPolicyDecision.Usage usage(
      DeploymentAgentPolicy policy, String deploying, String deployingNamespace) {
    var tally = tally(policy, tiers(), deploying, deployingNamespace);
    GpuUsage ledger = accrue(policy, tally.running(), tally.reserved());
    return new AgentPolicyDecision.Usage(
        tally.reservedByOthers(), GpuLedger.secondsToday(ledger, clock.instant()));
  }

  /**
   * The GPUs of the policy's Workloads.
   *
   * @param reserved at their most pods, all of them
   * @param reservedByOthers the same without the Workload being redeployed
   * @param running what each runs now, for the ledger
   */
  private record Tally(int reserved, int reservedByOthers, List<GpuLedger.Held> running) {}

  private Tally tally(
      DeploymentAgentPolicy policy,
      Map<String, Tier> tiers,
      String deploying,
      String deployingNamespace) {
    int reserved = 0;
    int byOthers = 0;
    List<GpuLedger.Held> running = new ArrayList<>();
    for (Workload w : workloadsOf(policy)) {
      Tier tier = tiers.get(w.getSpec().size());
      int gpus = GpuDemand.reserved(w.getSpec(), tier);
      reserved += gpus;
      boolean redeployed =
          w.getMetadata().getName().equals(deploying)
              && w.getMetadata().getNamespace().equals(deployingNamespace);
      byOthers += redeployed ? 0 : gpus;
      running.add(
          new GpuLedger.Held(
              GpuDemand.running(w, tier), Instant.parse(w.getMetadata().getCreationTimestamp())));
    }
    return new Tally(reserved, byOthers, running);
  }

  /**
   * Accrues the ledger and writes it with the policy's resourceVersion: a conflict (another server,
   * a spec edit) re-reads and accrues again, so no interval is counted twice. When it cannot be
   * written, the decision goes on with the accrued numbers and the next one tries again.
   */
  private GpuUsage accrue(
      DeploymentAgentPolicy policy, List<GpuLedger.Held> running, int reserved) {
    DeploymentAgentPolicy current = policy;
    GpuUsage accrued = null;
    for (int attempt = 0; attempt < LEDGER_ATTEMPTS && current != null; attempt++) {
      var status = current.getStatus();
      Instant now = clock.instant();
      accrued = GpuLedger.accrue(status == null ? null : status.usage(), running, reserved, now);
      var budget = current.getSpec().gpuBudgetOrDefault();
      boolean exhausted =
          reserved >= budget.concurrentGpusOrDefault()
              || accrued.gpuSeconds() >= budget.gpuHoursPerDayOrDefault() * 3600L;
      String message =
          reserved
              + " of "
              + budget.concurrentGpusOrDefault()
              + " concurrent GPUs held, "
              + AgentPolicyDecision.hours(accrued.gpuSeconds())
              + " of "
              + budget.gpuHoursPerDayOrDefault()
              + " GPU-hours used on "
              + accrued.day();
      long generation = current.getMetadata().getGeneration();
      var conditions =
          Conditions.merge(
              status == null ? null : status.conditions(),
              List.of(
                  new Conditions.Observed(
                      ConditionTypes.GPU_BUDGET_EXHAUSTED,
                      exhausted,
                      exhausted ? Reasons.BUDGET_EXCEEDED : Reasons.WITHIN_BUDGET,
                      message)),
              generation,
              now);
      current.setStatus(new DeploymentAgentPolicyStatus(generation, conditions, accrued));
      try {
        server.resource(current).updateStatus();
        return accrued;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          LOG.warn(
              "the GPU ledger of DeploymentAgentPolicy {} not written: {}",
              policy.getMetadata().getName(),
              e.toString());
          return accrued;
        }
        current =
            server
                .resources(DeploymentAgentPolicy.class)
                .withName(policy.getMetadata().getName())
                .get();
      }
    }
    return accrued;
  }

  private Map<String, Tier> tiers() {
    return server.resources(Tier.class).list().getItems().stream()
        .collect(Collectors.toMap(t -> t.getMetadata().getName(), Function.identity()));
  }

  /** The Workloads deployed under the policy, in every namespace. */
  private List<Workload> workloadsOf(DeploymentAgentPolicy policy) {
    return server
        .resources(Workload.class)
        .inAnyNamespace()
        .withLabel(DeploymentAgentPolicy.POLICY_LABEL, policy.getMetadata().getName())
        .list()
        .getItems();
  }
}

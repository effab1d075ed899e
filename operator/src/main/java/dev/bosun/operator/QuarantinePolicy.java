package dev.bosun.operator;

import dev.bosun.api.v1alpha1.BreakerScope;
import dev.bosun.api.v1alpha1.CircuitBreaker;
import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.FaultResponse;
import dev.bosun.api.v1alpha1.GpuFaultClass;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.GpuRecovery;
import dev.bosun.api.v1alpha1.QuarantineAction;
import dev.bosun.api.v1alpha1.QuarantineEffect;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The remediation half of a {@link GpuHealthPolicySpec} with every absent field replaced by the
 * default its schema description names. Pure.
 *
 * @param budget maxQuarantined: a count, or a percentage when {@code percent}
 */
record QuarantinePolicy(
    Map<GpuFaultClass, QuarantineAction> responses,
    QuarantineEffect effect,
    int budget,
    boolean percent,
    BreakerScope scope,
    Duration window,
    Duration delay,
    Duration flapWindow,
    boolean dryRun) {

  static final Map<GpuFaultClass, QuarantineAction> DEFAULT_RESPONSES =
      Map.of(
          GpuFaultClass.GPU, QuarantineAction.QuarantineGpu,
          GpuFaultClass.SUPPORT, QuarantineAction.QuarantineGpu,
          GpuFaultClass.NODE, QuarantineAction.QuarantineNode);

  QuarantinePolicy {
    responses = Map.copyOf(responses);
  }

  /** The policy of a spec; a null spec (no policy object) gives the defaults. */
  static QuarantinePolicy of(GpuHealthPolicySpec spec) {
    var responses = new EnumMap<GpuFaultClass, QuarantineAction>(DEFAULT_RESPONSES);
    if (spec != null && spec.responses() != null) {
      for (FaultResponse response : spec.responses()) {
        responses.put(response.faultClass(), response.action());
      }
    }
    Optional<CircuitBreaker> breaker = Optional.ofNullable(spec).map(GpuHealthPolicySpec::breaker);
    IntOrString max = breaker.map(CircuitBreaker::maxQuarantined).orElse(new IntOrString("10%"));
    boolean percent = max.getStrVal() != null;
    int budget =
        percent
            ? Integer.parseInt(max.getStrVal().substring(0, max.getStrVal().length() - 1))
            : max.getIntVal();
    Optional<GpuRecovery> recovery = Optional.ofNullable(spec).map(GpuHealthPolicySpec::recovery);
    return new QuarantinePolicy(
        responses,
        Optional.ofNullable(spec)
            .map(GpuHealthPolicySpec::effect)
            .orElse(QuarantineEffect.NoSchedule),
        budget,
        percent,
        breaker.map(CircuitBreaker::scope).orElse(BreakerScope.GpuNodes),
        Durations.parse(breaker.map(CircuitBreaker::window).orElse("10m")),
        Durations.parse(recovery.map(GpuRecovery::delay).orElse("10m")),
        Durations.parse(recovery.map(GpuRecovery::flapWindow).orElse("1h")),
        spec != null && Boolean.TRUE.equals(spec.dryRun()));
  }

  /** The same policy where a GPU can only be quarantined with its node. */
  QuarantinePolicy withoutDeviceTaints() {
    var nodeOnly = new EnumMap<GpuFaultClass, QuarantineAction>(GpuFaultClass.class);
    responses.forEach(
        (faultClass, action) ->
            nodeOnly.put(
                faultClass,
                action == QuarantineAction.QuarantineGpu
                    ? QuarantineAction.QuarantineNode
                    : action));
    return new QuarantinePolicy(
        nodeOnly, effect, budget, percent, scope, window, delay, flapWindow, dryRun);
  }

  QuarantineAction responseTo(GpuFaultClass faultClass) {
    return responses.getOrDefault(faultClass, QuarantineAction.Report);
  }

  /**
   * The most quarantines the window allows out of {@code fleet} GPU nodes or GPUs. A percentage is
   * rounded up, as a Deployment's maxSurge is, so that a fleet of fewer than ten nodes can still
   * quarantine one under 10%; 0% stays 0.
   */
  int budgetOf(int fleet) {
    return percent ? (int) Math.ceil(budget * (double) fleet / 100) : budget;
  }

  String describeBudget(int fleet) {
    String unit = scope == BreakerScope.GpuNodes ? "GPU nodes" : "GPUs";
    return percent
        ? "%d%% of %d %s (%d)".formatted(budget, fleet, unit, budgetOf(fleet))
        : "%d %s".formatted(budget, unit);
  }
}

package dev.bosun.agent;

import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.GpuClassification;
import dev.bosun.api.v1alpha1.GpuFaultClass;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.GpuRecovery;
import dev.bosun.api.v1alpha1.XidOverride;
import dev.bosun.gpu.classify.FaultClass;
import dev.bosun.gpu.classify.GpuHealthPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node agent's half of a {@code GpuHealthPolicy} object: its classification and recovery knobs
 * as the classifier's record. A field the object leaves out keeps the classifier's default, so the
 * defaults have one home, {@link GpuHealthPolicy#defaults()}.
 */
final class NodeSidePolicy {
  private static final GpuClassification NO_CLASSIFICATION =
      new GpuClassification(null, null, null, null, null);
  private static final GpuRecovery NO_RECOVERY = new GpuRecovery(null, null, null, null);

  private NodeSidePolicy() {}

  /** The classifier's policy for {@code spec}; a null spec is the defaults. */
  static GpuHealthPolicy from(GpuHealthPolicySpec spec) {
    GpuHealthPolicy defaults = GpuHealthPolicy.defaults();
    GpuClassification classification =
        spec == null || spec.classification() == null ? NO_CLASSIFICATION : spec.classification();
    GpuRecovery recovery = spec == null || spec.recovery() == null ? NO_RECOVERY : spec.recovery();
    return new GpuHealthPolicy(
        classification.xidOverrides() == null
            ? defaults.xidOverrides()
            : overrides(classification.xidOverrides()),
        classification.repeatingXids() == null
            ? defaults.repeatingCodes()
            // The schema does not forbid a code listed twice; a set takes it once.
            : new HashSet<>(classification.repeatingXids()),
        orDefault(classification.repeatThreshold(), defaults.repeatThreshold()),
        duration(classification.repeatWindow(), defaults.repeatWindow()),
        duration(classification.companionWindow(), defaults.companionWindow()),
        orDefault(recovery.cleanSamples(), defaults.cleanSamplesToRecover()),
        duration(recovery.quietPeriod(), defaults.quietPeriod()),
        duration(recovery.flapWindow(), defaults.flapWindow()));
  }

  /** The classifier's class of an API fault class: both enums name the same classes. */
  static FaultClass faultClass(GpuFaultClass apiClass) {
    return FaultClass.valueOf(apiClass.name());
  }

  private static Map<Integer, FaultClass> overrides(Iterable<XidOverride> overrides) {
    // The schema rejects an Xid overridden twice, so no entry replaces another.
    Map<Integer, FaultClass> byCode = new LinkedHashMap<>();
    overrides.forEach(o -> byCode.put(o.xid(), faultClass(o.faultClass())));
    return byCode;
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static Duration duration(String value, Duration fallback) {
    return value == null ? fallback : Durations.parse(value);
  }
}

package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.GpuClassification;
import dev.bosun.api.v1alpha1.GpuFaultClass;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.GpuRecovery;
import dev.bosun.api.v1alpha1.XidOverride;
import dev.bosun.gpu.classify.FaultClass;
import dev.bosun.gpu.classify.GpuHealthPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class NodeSidePolicyTest {
  private static final GpuHealthPolicy DEFAULTS = GpuHealthPolicy.defaults();

  static Stream<Arguments> specsAndTheirPolicies() {
    return Stream.of(
        Arguments.of("no spec", null, DEFAULTS),
        Arguments.of("empty spec", spec(null, null), DEFAULTS),
        Arguments.of(
            "empty groups",
            spec(classification(null, null, null, null, null), recovery(null, null, null)),
            DEFAULTS),
        Arguments.of(
            "xidOverrides",
            spec(
                classification(
                    List.of(
                        new XidOverride(79, GpuFaultClass.NODE),
                        new XidOverride(13, GpuFaultClass.IGNORE)),
                    null,
                    null,
                    null,
                    null),
                null),
            DEFAULTS.withXidOverrides(Map.of(79, FaultClass.NODE, 13, FaultClass.IGNORE))),
        Arguments.of(
            "repeatingXids, a code listed twice taken once",
            spec(classification(null, List.of(43, 13, 43), null, null, null), null),
            with(DEFAULTS, Set.of(13, 43), 3, "PT10M", "PT5M")),
        Arguments.of(
            "repeatThreshold",
            spec(classification(null, null, 5, null, null), null),
            with(DEFAULTS, Set.of(13, 31), 5, "PT10M", "PT5M")),
        Arguments.of(
            "repeatWindow",
            spec(classification(null, null, null, "1h", null), null),
            with(DEFAULTS, Set.of(13, 31), 3, "PT1H", "PT5M")),
        Arguments.of(
            "companionWindow",
            spec(classification(null, null, null, null, "30s"), null),
            with(DEFAULTS, Set.of(13, 31), 3, "PT10M", "PT30S")),
        Arguments.of(
            "cleanSamples and quietPeriod",
            spec(null, recovery(7, "2m", null)),
            DEFAULTS.withRecovery(7, Duration.ofMinutes(2))),
        Arguments.of(
            "flapWindow",
            spec(null, recovery(null, null, "3h")),
            new GpuHealthPolicy(
                Map.of(),
                Set.of(13, 31),
                3,
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                3,
                Duration.ofMinutes(5),
                Duration.ofHours(3))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specsAndTheirPolicies")
  void mapsEveryFieldAndKeepsTheDefaultsOfAbsentOnes(
      String field, GpuHealthPolicySpec spec, GpuHealthPolicy expected) {
    assertThat(NodeSidePolicy.from(spec)).isEqualTo(expected);
  }

  @Test
  void theRecoveryDelayIsTheClustersAndLeavesTheNodeSideAlone() {
    var recoveryDelayOnly = new GpuRecovery(null, null, null, "30m");
    assertThat(NodeSidePolicy.from(spec(null, recoveryDelayOnly))).isEqualTo(DEFAULTS);
  }

  @ParameterizedTest
  @EnumSource(GpuFaultClass.class)
  void everyApiFaultClassIsTheClassifiersOfTheSameWireName(GpuFaultClass apiClass) {
    String wireName = new KubernetesSerialization().asJson(apiClass).replace("\"", "");
    assertThat(NodeSidePolicy.faultClass(apiClass).wireName()).isEqualTo(wireName);
  }

  @Test
  void theApiNamesEveryClassOfTheClassifier() {
    assertThat(Arrays.stream(GpuFaultClass.values()).map(NodeSidePolicy::faultClass))
        .containsExactlyInAnyOrder(FaultClass.values());
  }

  private static GpuHealthPolicySpec spec(GpuClassification classification, GpuRecovery recovery) {
    return new GpuHealthPolicySpec(classification, recovery, null, null, null, null);
  }

  private static GpuClassification classification(
      List<XidOverride> overrides,
      List<Integer> repeating,
      Integer threshold,
      String repeatWindow,
      String companionWindow) {
    return new GpuClassification(overrides, repeating, threshold, repeatWindow, companionWindow);
  }

  private static GpuRecovery recovery(Integer cleanSamples, String quiet, String flap) {
    return new GpuRecovery(cleanSamples, quiet, flap, null);
  }

  /** The defaults with the classification knobs changed. */
  private static GpuHealthPolicy with(
      GpuHealthPolicy base,
      Set<Integer> repeating,
      int threshold,
      String repeatWindow,
      String companionWindow) {
    return new GpuHealthPolicy(
        base.xidOverrides(),
        repeating,
        threshold,
        Duration.parse(repeatWindow),
        Duration.parse(companionWindow),
        base.cleanSamplesToRecover(),
        base.quietPeriod(),
        base.flapWindow());
  }
}

package dev.bosun.gpu.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuHealthMachineTest {

  static final Instant T0 = Instant.parse("2026-11-28T01:00:00Z");

  /** 3 clean samples and 5 quiet minutes to recover; samples every 10 s below. */
  final GpuHealthPolicy policy = GpuHealthPolicy.defaults().withRecovery(3, Duration.ofMinutes(5));

  static Finding finding(FaultClass cls, Instant at) {
    return new Finding(Signal.XID, "GPU-1", null, 48, cls, "reset the GPU", "Xid 48", at);
  }

  @Test
  void oneBadFindingMakesAGpuUnhealthyAtOnce() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0), List.of(finding(FaultClass.GPU, T0)), T0, policy);
    assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(s.reason()).isEqualTo("Xid 48");
  }

  @Test
  void applicationErrorsAndIgnoredXidsLeaveHealthAlone() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0),
            List.of(finding(FaultClass.APPLICATION, T0), finding(FaultClass.IGNORE, T0)),
            T0,
            policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void recoveryNeedsCleanSamplesAndAQuietPeriod() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0), List.of(finding(FaultClass.GPU, T0)), T0, policy);
    // three clean samples 10 s apart: enough samples, not enough quiet
    for (int i = 1; i <= 3; i++)
      s = GpuHealthMachine.next(s, List.of(), T0.plusSeconds(10L * i), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY);
    // one clean sample after the quiet period
    s = GpuHealthMachine.next(s, List.of(), T0.plus(Duration.ofMinutes(5)), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
    assertThat(s.since()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
  }

  @Test
  void aFaultDuringRecoveryStartsTheCountOver() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0), List.of(finding(FaultClass.GPU, T0)), T0, policy);
    s = GpuHealthMachine.next(s, List.of(), T0.plus(Duration.ofMinutes(4)), policy);
    s =
        GpuHealthMachine.next(
            s,
            List.of(finding(FaultClass.GPU, T0)),
            T0.plus(Duration.ofMinutes(4).plusSeconds(30)),
            policy);
    s = GpuHealthMachine.next(s, List.of(), T0.plus(Duration.ofMinutes(6)), policy);
    s = GpuHealthMachine.next(s, List.of(), T0.plus(Duration.ofMinutes(7)), policy);
    s = GpuHealthMachine.next(s, List.of(), T0.plus(Duration.ofMinutes(8)), policy);
    assertThat(s.health()).as("only 3.5 min since the last fault").isEqualTo(GpuHealth.UNHEALTHY);
    assertThat(s.since()).as("still the same unhealthy spell").isEqualTo(T0);
  }

  @Test
  void aFlappingGpuDoesNotFlapItsNode() {
    // the GPU fails, recovers, fails again ... every time it is allowed back
    GpuHealthState s = GpuHealthState.healthy(T0);
    Instant now = T0;
    List<Duration> outages = new ArrayList<>();
    for (int flap = 0; flap < 4; flap++) {
      s = GpuHealthMachine.next(s, List.of(finding(FaultClass.GPU, now)), now, policy);
      Instant wentBad = now;
      while (s.health() != GpuHealth.HEALTHY) {
        now = now.plusSeconds(10);
        s = GpuHealthMachine.next(s, List.of(), now, policy);
      }
      outages.add(Duration.between(wentBad, now));
      now = now.plusSeconds(10);
    }
    assertThat(outages)
        .containsExactly(
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(20),
            Duration.ofMinutes(40));
    assertThat(s.recentFailures()).hasSize(4);
  }

  @Test
  void failuresOutsideTheFlapWindowAreForgiven() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0), List.of(finding(FaultClass.GPU, T0)), T0, policy);
    Instant later = T0.plus(Duration.ofHours(3));
    s = GpuHealthMachine.next(s, List.of(), later, policy);
    assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY); // one clean sample is not three
    s = GpuHealthMachine.next(s, List.of(), later.plusSeconds(1), policy);
    s = GpuHealthMachine.next(s, List.of(), later.plusSeconds(2), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
    // the next failure starts again from the base quiet period
    s =
        GpuHealthMachine.next(
            s, List.of(finding(FaultClass.GPU, later)), later.plusSeconds(3), policy);
    assertThat(s.recentFailures()).hasSize(1);
    assertThat(s.quietRequired()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void degradedComesAndGoesWithHysteresis() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0), List.of(finding(FaultClass.DEGRADED, T0)), T0, policy);
    assertThat(s.health()).isEqualTo(GpuHealth.DEGRADED);
    s = GpuHealthMachine.next(s, List.of(), T0.plusSeconds(1), policy);
    s =
        GpuHealthMachine.next(
            s, List.of(finding(FaultClass.DEGRADED, T0)), T0.plusSeconds(2), policy);
    s = GpuHealthMachine.next(s, List.of(), T0.plusSeconds(3), policy);
    s = GpuHealthMachine.next(s, List.of(), T0.plusSeconds(4), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.DEGRADED);
    s = GpuHealthMachine.next(s, List.of(), T0.plusSeconds(5), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void aDegradedGpuThatBreaksIsUnhealthyAndComesBackDegradedIfStillHot() {
    GpuHealthState s =
        GpuHealthMachine.next(
            GpuHealthState.healthy(T0), List.of(finding(FaultClass.DEGRADED, T0)), T0, policy);
    s =
        GpuHealthMachine.next(
            s,
            List.of(finding(FaultClass.DEGRADED, T0), finding(FaultClass.SUPPORT, T0)),
            T0.plusSeconds(1),
            policy);
    assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY);
    for (int i = 0; i < 3; i++)
      s =
          GpuHealthMachine.next(
              s,
              List.of(finding(FaultClass.DEGRADED, T0)),
              T0.plus(Duration.ofMinutes(10 + i)),
              policy);
    assertThat(s.health()).isEqualTo(GpuHealth.DEGRADED);
  }

  // --- resumed after a restart ----------------------------------------------------------------

  @Test
  void aResumedGpuCountsItsQuietPeriodFromTheLastFaultNotFromTheRestart() {
    Instant restart = T0.plus(Duration.ofMinutes(3));
    GpuHealthState s =
        GpuHealthMachine.resumed(
            GpuHealth.UNHEALTHY, T0, "Xid 95", List.of(T0, T0.plusSeconds(60)), policy);
    assertThat(s.lastBadAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(s.quietRequired()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.cleanSamples()).isZero();
    for (int i = 1; i <= 3; i++)
      s = GpuHealthMachine.next(s, List.of(), restart.plusSeconds(10L * i), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY); // 6 quiet minutes are due at T0+6m
    s = GpuHealthMachine.next(s, List.of(), T0.plus(Duration.ofMinutes(6)), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void aResumedGpuWhoseFaultIsOlderThanTheQuietPeriodNeedsOnlyItsCleanSamples() {
    Instant restart = T0.plus(Duration.ofHours(2));
    GpuHealthState s =
        GpuHealthMachine.resumed(GpuHealth.UNHEALTHY, T0, "Xid 95", List.of(T0), policy);
    s = GpuHealthMachine.next(s, List.of(), restart, policy);
    s = GpuHealthMachine.next(s, List.of(), restart.plusSeconds(10), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.UNHEALTHY);
    s = GpuHealthMachine.next(s, List.of(), restart.plusSeconds(20), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
  }

  @Test
  void earlierSpellsWithinTheFlapWindowStillDoubleTheQuietPeriod() {
    // spells at T0 and T0+10m (the first one's 5 quiet minutes had passed), then one at T0+30m
    Instant third = T0.plus(Duration.ofMinutes(30));
    GpuHealthState s =
        GpuHealthMachine.resumed(
            GpuHealth.UNHEALTHY,
            third,
            "Xid 95",
            List.of(T0, T0.plusSeconds(30), T0.plus(Duration.ofMinutes(10)), third),
            policy);
    assertThat(s.recentFailures()).containsExactly(T0, T0.plus(Duration.ofMinutes(10)), third);
    assertThat(s.quietRequired()).isEqualTo(Duration.ofMinutes(20));
    // and a new spell after the restart doubles once more
    Instant fourth = third.plus(Duration.ofMinutes(25));
    s = GpuHealthMachine.next(s, List.of(), third.plus(Duration.ofMinutes(21)), policy);
    s = GpuHealthMachine.next(s, List.of(), third.plus(Duration.ofMinutes(22)), policy);
    s = GpuHealthMachine.next(s, List.of(), third.plus(Duration.ofMinutes(23)), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
    s = GpuHealthMachine.next(s, List.of(finding(FaultClass.GPU, fourth)), fourth, policy);
    assertThat(s.quietRequired()).isEqualTo(Duration.ofMinutes(40));
  }

  @Test
  void anUnhealthyGpuWhoseFaultsWerePushedOutOfTheListCountsFromSince() {
    GpuHealthState s =
        GpuHealthMachine.resumed(GpuHealth.UNHEALTHY, T0, "Xid 95", List.of(), policy);
    assertThat(s.lastBadAt()).isEqualTo(T0);
    assertThat(s.recentFailures()).containsExactly(T0);
    assertThat(s.quietRequired()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aResumedHealthyGpuHasNoReasonButRemembersItsFailures() {
    GpuHealthState s =
        GpuHealthMachine.resumed(GpuHealth.HEALTHY, T0.plusSeconds(400), "x", List.of(T0), policy);
    assertThat(s.health()).isEqualTo(GpuHealth.HEALTHY);
    assertThat(s.reason()).isEmpty();
    assertThat(s.recentFailures()).containsExactly(T0);
  }
}

package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BusyTimeTest {

  @Property
  void aSteadyLoadIsBusyByItsShareOfTheSlots(
      @ForAll @IntRange(min = 1, max = 1024) int capacity,
      @ForAll @IntRange(min = 0, max = 1024) int running,
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long start,
      @ForAll @LongRange(min = 1, max = 100_000_000_000L) long length) {
    var busy = BusyTime.startingAt(start, Math.min(running, capacity));
    assertThat(busy.fraction(start + length, capacity))
        .isCloseTo((double) Math.min(running, capacity) / capacity, within(1e-9));
  }

  @Property
  void theFractionIsTheTimeWeightedMeanAndNeverMoreThanOne(
      @ForAll @IntRange(min = 1, max = 16) int capacity,
      @ForAll @Size(min = 1, max = 20)
          List<@IntRange(min = 0, max = 16) Integer> runningEachSecond) {
    long second = 1_000_000_000L;
    var busy = BusyTime.startingAt(0, runningEachSecond.getFirst());
    double slotSeconds = 0;
    for (int i = 0; i < runningEachSecond.size(); i++) {
      if (i > 0) {
        busy = busy.running(i * second, runningEachSecond.get(i));
      }
      slotSeconds += runningEachSecond.get(i);
    }
    double expected = Math.min(1.0, slotSeconds / ((double) capacity * runningEachSecond.size()));
    assertThat(busy.fraction(runningEachSecond.size() * second, capacity))
        .isCloseTo(expected, within(1e-9))
        .isBetween(0.0, 1.0);
  }

  @Test
  void halfTheWindowWithTwoOfFourSlotsIsAQuarterBusy() {
    var busy = BusyTime.startingAt(0, 0).running(500, 2);
    assertThat(busy.fraction(1000, 4)).isEqualTo(0.25);
  }
}

package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NotEmpty;
import org.junit.jupiter.api.Test;

class LoadSecondTest {

  @Test
  void answersAreCountedByKindAndOnlySuccessesMakeTheLatencies() {
    var second =
        LoadSecond.of(
            3,
            5,
            1,
            List.of(
                new LoadSecond.Answer.Status(200, Duration.ofMillis(500)),
                new LoadSecond.Answer.Status(200, Duration.ofMillis(700)),
                new LoadSecond.Answer.Status(503, Duration.ofMillis(1)),
                new LoadSecond.Answer.Status(500, Duration.ofMillis(2)),
                new LoadSecond.Answer.Failure("connection refused")));
    assertThat(second)
        .isEqualTo(
            new LoadSecond(
                3,
                5,
                1,
                2,
                1,
                2,
                Optional.of(Duration.ofMillis(500)),
                Optional.of(Duration.ofMillis(700))));
    assertThat(second.line("3s"))
        .isEqualTo(
            "3s       sent     5  skipped    1  ok     2  503     1  errors    2  p50   500ms  p99 "
                + "  700ms");
  }

  @Test
  void noSuccessNoLatency() {
    var second = LoadSecond.of(0, 0, 0, List.of());
    assertThat(second.p50()).isEmpty();
    assertThat(second.line("0s")).endsWith("p50       -  p99       -");
  }

  @Property
  void aPercentileIsAValueWithAtLeastThatShareAtOrBelowIt(
      @ForAll @NotEmpty List<@LongRange(min = 0, max = 10_000) Long> millis,
      @ForAll @IntRange(min = 1, max = 100) int p) {
    var sorted = millis.stream().sorted().map(Duration::ofMillis).toList();
    var value = LoadSecond.percentile(sorted, p).orElseThrow();
    assertThat(sorted).contains(value);
    long atOrBelow = sorted.stream().filter(d -> d.compareTo(value) <= 0).count();
    long below = sorted.stream().filter(d -> d.compareTo(value) < 0).count();
    assertThat(atOrBelow * 100).isGreaterThanOrEqualTo((long) p * sorted.size());
    // And it is the smallest such value.
    assertThat(below * 100).isLessThan((long) p * sorted.size());
  }

  @Property
  void aPercentileOutsideOneToAHundredIsAnError(@ForAll int p) {
    if (p >= 1 && p <= 100) {
      assertThat(LoadSecond.percentile(List.of(), p)).isEmpty();
    } else {
      assertThatThrownBy(() -> LoadSecond.percentile(List.of(), p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("percentile");
    }
  }
}

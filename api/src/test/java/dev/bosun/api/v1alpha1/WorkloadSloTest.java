package dev.bosun.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadSloTest {

  @Property
  void everyLatencyInMillisecondsOrSecondsReadsBack(
      @ForAll @IntRange(min = 1, max = 999999) int n) {
    assertThat(WorkloadSlo.parseLatency(n + "ms")).isEqualTo(Duration.ofMillis(n));
    assertThat(WorkloadSlo.parseLatency(n + "s")).isEqualTo(Duration.ofSeconds(n));
  }

  @Property
  void everyPercentWithTwoDecimalsIsItsFraction(
      @ForAll @IntRange(min = 0, max = 10000) int hundredths) {
    String text = (hundredths / 100) + "." + String.format("%02d", hundredths % 100) + "%";
    assertThat(WorkloadSlo.parsePercent(text)).isCloseTo(hundredths / 10000.0, within());
  }

  private static Offset<Double> within() {
    return Offset.offset(1e-12);
  }

  @ParameterizedTest
  @CsvSource({"1%, 0.01", "0.5%, 0.005", "100%, 1.0", "0%, 0.0"})
  void percentages(String text, double fraction) {
    assertThat(WorkloadSlo.parsePercent(text)).isEqualTo(fraction);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "1", "101%", "1.234%", "-1%", "1 %", ".5%", "100.5%"})
  void rejectsPercentagesTheSchemaRejects(String text) {
    assertThatThrownBy(() -> WorkloadSlo.parsePercent(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a percentage from 0% to 100%");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "0ms", "0s", "1m", "1.5s", "05ms", "10 ms"})
  void rejectsLatenciesTheSchemaRejects(String text) {
    assertThatThrownBy(() -> WorkloadSlo.parseLatency(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a positive latency in ms or s");
  }
}

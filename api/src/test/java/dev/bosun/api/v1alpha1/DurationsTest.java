package dev.bosun.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"90s, PT1M30S", "10m, PT10M", "1h, PT1H", "999999h, PT999999H"})
  void parsesWhatTheSchemaAccepts(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "0s", "0m", "-5m", "10", "1h30m", "1.5h", "10ms", "1d", "05m", " 1h"})
  void rejectsWhatTheSchemaRejects(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'" + text + "' must be a positive duration in s, m or h, such as 90s, 10m or 1h");
  }
}

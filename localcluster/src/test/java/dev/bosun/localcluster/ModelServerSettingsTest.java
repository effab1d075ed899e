package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ModelServerSettingsTest {

  @Property
  void millisecondsParseToThemselves(@ForAll @IntRange(min = 0, max = 999_999) int millis) {
    assertThat(ModelServerSettings.parseServiceTime(millis + "ms"))
        .isEqualTo(Duration.ofMillis(millis));
  }

  @Property
  void anyTextIsAServiceTimeOrAnErrorNamingTheFlag(@ForAll String text) {
    try {
      assertThat(ModelServerSettings.parseServiceTime(text).isNegative()).isFalse();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageStartingWith("--service-time: ");
    }
  }

  @Test
  void secondsAndMinutesAsDurationsWrite() {
    assertThat(ModelServerSettings.parseServiceTime("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(ModelServerSettings.parseServiceTime("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> ModelServerSettings.parseServiceTime("007ms"))
        .hasMessageStartingWith("--service-time: ");
    assertThatThrownBy(() -> ModelServerSettings.parseServiceTime("-5ms"))
        .hasMessageStartingWith("--service-time: ");
  }

  @Property
  void limitsAreCheckedNamingTheFlag(
      @ForAll @IntRange(min = -2, max = 1100) int capacity,
      @ForAll @IntRange(min = -2, max = 10_002) int maxWaiting,
      @ForAll @IntRange(min = 0, max = 61_000) int serviceMillis) {
    var serviceTime = Duration.ofMillis(serviceMillis);
    boolean valid =
        capacity >= 1
            && capacity <= ModelServerSettings.MAX_CAPACITY
            && maxWaiting >= 0
            && maxWaiting <= ModelServerSettings.MAX_WAITING
            && serviceMillis <= 60_000;
    if (valid) {
      assertThat(new ModelServerSettings(capacity, serviceTime, maxWaiting).capacity())
          .isEqualTo(capacity);
    } else {
      assertThatThrownBy(() -> new ModelServerSettings(capacity, serviceTime, maxWaiting))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--");
    }
  }
}

package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code -Dbosun.commands}: what an image's {@code bosun} registers. */
class CarriedCommandsTest {

  @Test
  void unsetOrBlankCarriesEveryCommand() {
    assertThat(Bosun.carried(null)).contains("render", "operator", "agent", "dev", "help");
    assertThat(Bosun.carried(" ")).isEqualTo(Bosun.carried(null));
  }

  @Test
  void namedCommandsInHelpsOrderAndHelp() {
    assertThat(Bosun.carried("agent,operator")).containsExactly("operator", "agent", "help");
  }

  @Test
  void anUnknownNameCarriesOnlyHelp() {
    assertThat(Bosun.carried("ship")).containsExactly("help");
  }
}

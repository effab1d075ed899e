package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouterSettingsTest {
  @TempDir static Path dir;

  private static final Duration WAKE = Duration.ofSeconds(30);
  private static final Duration ACTIVITY = Duration.ofSeconds(5);

  @Test
  void acceptsTheDefaultsAndAPodNetworkDirectory() {
    assertThatCode(() -> new RouterMain.Settings(null, 8080, dir, WAKE, ACTIVITY, List.of("aud")))
        .doesNotThrowAnyException();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            Path.of("/no/such/kubeconfig"), 8080, null, WAKE, ACTIVITY, List.of(), "--kubeconfig"),
        Arguments.of(null, -1, null, WAKE, ACTIVITY, List.of(), "--port"),
        Arguments.of(null, 65536, null, WAKE, ACTIVITY, List.of(), "--port"),
        Arguments.of(
            null, 8080, Path.of("/no/such/dir"), WAKE, ACTIVITY, List.of(), "--pod-network"),
        Arguments.of(null, 8080, null, Duration.ZERO, ACTIVITY, List.of(), "--wake-timeout"),
        Arguments.of(
            null, 8080, null, Duration.ofMinutes(11), ACTIVITY, List.of(), "--wake-timeout"),
        Arguments.of(
            null, 8080, null, WAKE, Duration.ofMillis(99), List.of(), "--activity-interval"),
        Arguments.of(null, 8080, null, WAKE, ACTIVITY, List.of(" "), "--token-audience"));
  }

  @ParameterizedTest(name = "{6}")
  @MethodSource("invalid")
  void namesTheOptionThatCannotWork(
      Path kubeconfig,
      int port,
      Path podNetwork,
      Duration wake,
      Duration activity,
      List<String> audiences,
      String option) {
    assertThatThrownBy(
            () -> new RouterMain.Settings(kubeconfig, port, podNetwork, wake, activity, audiences))
        .isInstanceOf(RouterMain.InvalidSettings.class)
        .hasMessageStartingWith(option + ": ");
  }

  private static final Duration HOLD = Duration.ofSeconds(60);
  private static final Duration SCRAPE = Duration.ofSeconds(1);

  static Stream<Arguments> invalidScaling() {
    return Stream.of(
        Arguments.of(-1, 100, HOLD, SCRAPE, "--scaler-port"),
        Arguments.of(8080, 100, HOLD, SCRAPE, "--scaler-port"),
        Arguments.of(9090, 0, HOLD, SCRAPE, "--hold-max"),
        Arguments.of(9090, 10_001, HOLD, SCRAPE, "--hold-max"),
        Arguments.of(9090, 100, Duration.ZERO, SCRAPE, "--hold-timeout"),
        Arguments.of(9090, 100, Duration.ofMinutes(11), SCRAPE, "--hold-timeout"),
        Arguments.of(9090, 100, HOLD, Duration.ofMillis(99), "--scrape-interval"),
        Arguments.of(9090, 100, HOLD, Duration.ofMinutes(2), "--scrape-interval"));
  }

  @ParameterizedTest(name = "{4}")
  @MethodSource("invalidScaling")
  void namesTheWorkloadOptionThatCannotWork(
      int scalerPort, int holdMax, Duration holdTimeout, Duration scrape, String option) {
    assertThatThrownBy(
            () ->
                new RouterMain.Settings(
                    null,
                    8080,
                    null,
                    WAKE,
                    ACTIVITY,
                    List.of(),
                    scalerPort,
                    holdMax,
                    holdTimeout,
                    scrape,
                    RouterMain.Settings.DEFAULT_AGENT_NAMESPACE))
        .isInstanceOf(RouterMain.InvalidSettings.class)
        .hasMessageStartingWith(option + ": ");
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "Bosun-Node", "bosun_node", "-bosun", "bosun-", "a/b"})
  void refusesAnAgentNamespaceThatIsNotOne(String namespace) {
    assertThatThrownBy(() -> settingsWithAgentNamespace(namespace))
        .isInstanceOf(RouterMain.InvalidSettings.class)
        .hasMessage("--agent-namespace: '" + namespace + "' is not a namespace name");
  }

  @Test
  void theAgentNamespaceIsBosunNodeUnlessSet() {
    assertThat(
            new RouterMain.Settings(null, 8080, null, WAKE, ACTIVITY, List.of()).agentNamespace())
        .isEqualTo("bosun-node");
    assertThat(settingsWithAgentNamespace("gpu-operator").agentNamespace())
        .isEqualTo("gpu-operator");
    assertThatThrownBy(() -> settingsWithAgentNamespace("n".repeat(64)))
        .hasMessageStartingWith("--agent-namespace: ");
  }

  private static RouterMain.Settings settingsWithAgentNamespace(String namespace) {
    return new RouterMain.Settings(
        null, 8080, null, WAKE, ACTIVITY, List.of(), 9090, 100, HOLD, SCRAPE, namespace);
  }
}

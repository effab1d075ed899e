package dev.bosun.router;

import static dev.bosun.router.TestSandboxes.sandbox;
import static dev.bosun.router.TestSandboxes.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxStatus;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SandboxViewTest {
  private static final SandboxKey KEY = new SandboxKey("ns", "a");

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(
            "running, ready, address",
            OperatingMode.Running,
            status(true, "10.0.0.1", 8080, false),
            new SandboxView.Serving("10.0.0.1", 8080)),
        Arguments.of(
            "no mode means Running",
            null,
            status(true, "10.0.0.1", 8080, false),
            new SandboxView.Serving("10.0.0.1", 8080)),
        Arguments.of("no status yet", OperatingMode.Running, null, new SandboxView.Starting()),
        Arguments.of(
            "ready without an IP",
            OperatingMode.Running,
            status(true, null, 8080, false),
            new SandboxView.Starting()),
        Arguments.of(
            "ready without a port",
            OperatingMode.Running,
            status(true, "10.0.0.1", null, false),
            new SandboxView.Starting()),
        Arguments.of(
            "not ready",
            OperatingMode.Running,
            status(false, "10.0.0.1", 8080, false),
            new SandboxView.Starting()),
        Arguments.of(
            "suspended",
            OperatingMode.Suspended,
            status(false, null, null, false),
            new SandboxView.Suspended()),
        Arguments.of(
            "being suspended, still ready",
            OperatingMode.Suspended,
            status(true, "10.0.0.1", 8080, false),
            new SandboxView.Suspended()),
        Arguments.of(
            "expired",
            OperatingMode.Suspended,
            status(false, null, null, true),
            new SandboxView.Expired()),
        Arguments.of(
            "expired wins over ready",
            OperatingMode.Running,
            status(true, "10.0.0.1", 8080, true),
            new SandboxView.Expired()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void viewOf(String what, OperatingMode mode, SandboxStatus status, SandboxView expected) {
    Sandbox sandbox = sandbox(KEY, "t", mode);
    sandbox.setStatus(status);
    assertThat(SandboxView.of(sandbox)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "missing")
  @MethodSource("missing")
  void noSandboxIsMissing(Sandbox none) {
    assertThat(SandboxView.of(none)).isEqualTo(new SandboxView.Missing());
  }

  static Stream<Arguments> missing() {
    return Stream.of(Arguments.of((Sandbox) null));
  }
}

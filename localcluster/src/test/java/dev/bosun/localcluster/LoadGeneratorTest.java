package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator against a stand-in model server on a real loopback port. */
class LoadGeneratorTest {
  private static final ModelServerPlan.Replica REPLICA = TestReplicas.chat(StandInBehaviour.GOOD);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void close() {
    http.close();
    executor.close();
  }

  @Test
  void everyRequestIsSentAnsweredAndReportedBySecond() throws Exception {
    var roomy = new ModelServerSettings(100, Duration.ZERO, 0);
    try (var server = ModelServer.start(REPLICA, roomy, executor)) {
      var lines = new ArrayList<LoadSecond>();
      var report = LoadGenerator.run(http, uri(server), settings(20, 100), lines::add);

      assertThat(report.total().sent()).isEqualTo(40);
      assertThat(report.total().ok()).isEqualTo(40);
      assertThat(report.total().p99()).isPresent();
      assertThat(lines).isEqualTo(report.seconds()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(lines.stream().mapToInt(LoadSecond::sent).sum()).isEqualTo(40);
    }
  }

  @Test
  void aFullServerTurnsRequestsAwayAndTheInFlightBoundSkipsSome() throws Exception {
    // One slot, no queue, a second per request: most of ten requests in a second find it taken.
    var tiny = new ModelServerSettings(1, Duration.ofSeconds(1), 0);
    try (var server = ModelServer.start(REPLICA, tiny, executor)) {
      var report = LoadGenerator.run(http, uri(server), settings(10, 100), second -> {});
      assertThat(report.total().ok()).isPositive();
      assertThat(report.total().unavailable()).isPositive();
      assertThat(report.total().ok() + report.total().unavailable()).isEqualTo(20);

      var bounded = LoadGenerator.run(http, uri(server), settings(10, 1), second -> {});
      assertThat(bounded.total().skipped()).isPositive();
      assertThat(bounded.total().sent() + bounded.total().skipped()).isEqualTo(20);
    }
  }

  @Property
  void theRateMustBeWithinItsBounds(@ForAll int rps) {
    if (rps >= 1 && rps <= LoadGenerator.MAX_RPS) {
      assertThat(settings(rps, Duration.ofSeconds(1)).rps()).isEqualTo(rps);
    } else {
      assertThatThrownBy(() -> settings(rps, Duration.ofSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--rps: must be from 1 to 10000");
    }
  }

  @Property
  void theDurationMustBeWithinItsBounds(@ForAll long millis) {
    var duration = Duration.ofMillis(millis);
    if (millis >= 1000 && millis <= 3_600_000) {
      assertThat(settings(1, duration).duration()).isEqualTo(duration);
    } else {
      assertThatThrownBy(() -> settings(1, duration))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--duration: must be from 1s to 60m");
    }
  }

  private static LoadGenerator.Settings settings(int rps, Duration duration) {
    return new LoadGenerator.Settings("{}", rps, duration, 10);
  }

  private static LoadGenerator.Settings settings(int rps, int maxInFlight) {
    return new LoadGenerator.Settings(
        "{\"model\":\"chat\",\"prompt\":\"hi\"}", rps, Duration.ofSeconds(2), maxInFlight);
  }

  private static URI uri(ModelServer server) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + "/v1/completions");
  }
}

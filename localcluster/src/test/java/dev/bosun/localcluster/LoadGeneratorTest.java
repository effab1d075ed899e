package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void aStoppedRunSendsNothingMore() throws Exception {
    var received = new AtomicInteger();
    var fiveReceived = new CountDownLatch(5);
    var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          received.incrementAndGet();
          fiveReceived.countDown();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.setExecutor(executor);
    server.start();
    try {
      var stopped = new CompletableFuture<Throwable>();
      var target = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      var run =
          Thread.startVirtualThread(
              () -> {
                try {
                  LoadGenerator.run(http, target, settings(20, Duration.ofMinutes(1)), s -> {});
                  stopped.complete(null);
                } catch (Throwable e) {
                  stopped.complete(e);
                }
              });
      assertThat(fiveReceived.await(30, TimeUnit.SECONDS)).isTrue();

      run.interrupt();

      assertThat(stopped.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
      int atStop = received.get();
      // At 20 requests a second a sender still running would have sent about 10 more.
      Thread.sleep(500);
      assertThat(received.get()).isLessThanOrEqualTo(atStop + 1);
    } finally {
      server.stop(0);
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

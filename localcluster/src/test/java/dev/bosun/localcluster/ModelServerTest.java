package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stand-in model server on a real loopback port. */
class ModelServerTest {
  private static final ModelServerPlan.Replica REPLICA = TestReplicas.chat(StandInBehaviour.GOOD);

  /** Long enough that the test sees the queue before the first request is served. */
  private static final ModelServerSettings ONE_AT_A_TIME =
      new ModelServerSettings(1, Duration.ofSeconds(2), 1);

  private static final ModelServerSettings QUICK =
      new ModelServerSettings(4, Duration.ofMillis(10), 10);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    http.close();
    executor.close();
  }

  @Test
  void aFullServerQueuesThenTurnsAwayAndTheMetricsSaySo() throws Exception {
    try (var server = ModelServer.start(REPLICA, ONE_AT_A_TIME, executor)) {
      var first = http.sendAsync(completion(server), HttpResponse.BodyHandlers.ofString());
      awaitLoad(server, 1, 0);
      var second = http.sendAsync(completion(server), HttpResponse.BodyHandlers.ofString());
      awaitLoad(server, 1, 1);

      assertThat(metrics(server))
          .contains("vllm:num_requests_running{engine=\"0\",model_name=\"chat\"} 1.0\n")
          .contains("vllm:num_requests_waiting{engine=\"0\",model_name=\"chat\"} 1.0\n")
          .contains("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"chat\"} 1.0\n");
      var turnedAway = http.send(completion(server), HttpResponse.BodyHandlers.ofString());
      assertThat(turnedAway.statusCode()).isEqualTo(503);
      assertThat(turnedAway.headers().firstValue("Retry-After")).contains("1");
      assertThat(turnedAway.body()).contains("the server is full");

      CompletableFuture.allOf(first, second).join();
      assertThat(first.join().statusCode()).isEqualTo(200);
      assertThat(first.join().body())
          .contains("\"object\":\"text_completion\"")
          .contains("\"model\":\"chat\"")
          .contains("\"text\":\"stand-in completion from chat-7d9-x2\"");
      assertThat(second.join().statusCode()).isEqualTo(200);
      assertThat(server.load()).isEqualTo(ModelServerLoad.idle(1, 1));
      assertThat(metrics(server))
          .contains("vllm:num_requests_waiting{engine=\"0\",model_name=\"chat\"} 0.0\n");
    }
  }

  @Test
  void healthAnswersAndOtherPathsAndMethodsDoNot() throws Exception {
    try (var server = ModelServer.start(REPLICA, ModelServerSettings.DEFAULT, executor)) {
      assertThat(send(server, "GET", "/health").statusCode()).isEqualTo(200);
      assertThat(send(server, "GET", "/v1/completions").statusCode()).isEqualTo(405);
      assertThat(send(server, "POST", "/metrics").statusCode()).isEqualTo(405);
      assertThat(send(server, "GET", "/v1/chat").statusCode()).isEqualTo(404);
      var metrics =
          http.send(
              HttpRequest.newBuilder(uri(server, "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.headers().firstValue("Content-Type")).contains(VllmMetrics.CONTENT_TYPE);
      var tooLarge =
          http.send(
              HttpRequest.newBuilder(uri(server, "/v1/completions"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LoopbackHttp.MAX_BODY + 1]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(tooLarge.statusCode()).isEqualTo(413);
    }
  }

  private void awaitLoad(ModelServer server, int running, int waiting) {
    Poll.until(
        "running " + running + ", waiting " + waiting,
        Duration.ofSeconds(10),
        Duration.ofMillis(10),
        () -> server.load().running() == running && server.load().waiting() == waiting);
  }

  private String metrics(ModelServer server) throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(uri(server, "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> send(ModelServer server, String method, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest completion(ModelServer server) {
    return HttpRequest.newBuilder(uri(server, "/v1/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"prompt\":\"hi\"}"))
        .build();
  }

  private static URI uri(ModelServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  /** The malformed requests of the promotion gates, with what a good server answers each. */
  private static final List<Map.Entry<HttpRequest.Builder, Integer>> malformed(ModelServer server) {
    var path = uri(server, "/v1/completions");
    return List.of(
        Map.entry(json(path, "{\"model\":\"chat\",\"prompt\":\"hel".getBytes()), 400),
        Map.entry(json(path, "{\"model\":\"chat\",\"prompt\":42}".getBytes()), 400),
        Map.entry(
            json(path, new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}),
            400),
        Map.entry(
            HttpRequest.newBuilder(path)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")),
            415),
        Map.entry(json(path, new byte[LoopbackHttp.MAX_BODY + 1]), 413));
  }

  private static HttpRequest.Builder json(URI path, byte[] body) {
    return HttpRequest.newBuilder(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  @Test
  void aGoodServerAnswersMalformedRequestsWithA4xxAndKeepsServing() throws Exception {
    try (var server = ModelServer.start(REPLICA, QUICK, executor)) {
      for (var probe : malformed(server)) {
        assertThat(
                http.send(probe.getKey().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(probe.getValue());
      }
      assertThat(http.send(completion(server), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      assertThat(server.crashed()).isFalse();
    }
  }

  /**
   * The promotion gate's oversized body, sent whole before the answer is read, as a client that
   * streams its request does: the server reads past its limit to the end of the body and closes in
   * order. Closing with the rest unread resets the connection, and the client loses the 413.
   */
  @Test
  void anOversizedBodyIsAnswered413EvenWhenTheClientSendsItWholeFirst() throws Exception {
    try (var server = ModelServer.start(REPLICA, QUICK, executor);
        var socket = new Socket("127.0.0.1", server.address().getPort())) {
      byte[] body = new byte[2 * LoopbackHttp.MAX_BODY];
      String head =
          "POST /v1/completions HTTP/1.1\r\nHost: chat\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      var out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413 ").contains("body larger than");
    }
  }

  @Test
  void aCrashingServerAnswers500AndStopsServing() throws Exception {
    var crashing =
        TestReplicas.chat(StandInBehaviour.parse(StandInBehaviour.CRASH_ON_MALFORMED_INPUT));
    try (var server = ModelServer.start(crashing, QUICK, executor)) {
      var truncated = malformed(server).getFirst().getKey().build();
      assertThat(http.send(truncated, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(500);
      assertThat(server.crashed()).isTrue();
      // It stops on its own thread, as a process dies: soon nothing answers.
      Poll.until(
          "the crashed server to stop",
          Duration.ofSeconds(10),
          Duration.ofMillis(50),
          () -> !answers(server));
    }
  }

  @Test
  void onlyAServerThatDrainsKeepsServingOnceItsPodGoes() {
    var slow = TestReplicas.chat(StandInBehaviour.parse("service-time=3s,no-drain"));
    try (var server = ModelServer.start(slow, QUICK, executor)) {
      assertThat(server.drainGrace()).isZero();
    }
    try (var server = ModelServer.start(REPLICA, QUICK, executor)) {
      assertThat(server.drainGrace()).isEqualTo(StandInBehaviour.DRAIN_GRACE);
    }
  }

  private boolean answers(ModelServer server) {
    try {
      http.send(completion(server), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}

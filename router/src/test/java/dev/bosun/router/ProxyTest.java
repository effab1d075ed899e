package dev.bosun.router;

import static dev.bosun.router.TestSandboxes.sandbox;
import static dev.bosun.router.TestSandboxes.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.scaler.Demand;
import dev.bosun.scaler.PodAddress;
import dev.bosun.scaler.PodNetwork;
import dev.bosun.scaler.WorkloadKey;
import dev.bosun.scaler.WorkloadLookup;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router end to end without a cluster: real sockets, the JDK's HTTP server and a WebSocket echo
 * server on 127.0.0.1 standing in for sandbox pods, Sandboxes in memory.
 */
class ProxyTest {
  private static final SandboxKey A = new SandboxKey("ns", "a");
  private static final SandboxKey B = new SandboxKey("ns", "b");
  private static final Limits LIMITS = new Limits(8 * 1024, 100, 32 * 1024, 1000);
  private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(3);

  @TempDir Path podNetworkDir;

  private final FakeSandboxes sandboxes = new FakeSandboxes();
  private final AtomicInteger patches = new AtomicInteger();
  private volatile boolean refuseWakes;
  private final Map<SandboxKey, Instant> activity = new ConcurrentHashMap<>();
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExecutorService executor;
  private HttpServer standIn;
  private RouterServer router;
  private ActivityRecorder recorder;

  @BeforeEach
  void start() throws IOException {
    executor = Executors.newVirtualThreadPerTaskExecutor();
    standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    standIn.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          seen.put("target", exchange.getRequestURI().toString());
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> seen.put(k.toLowerCase(), String.join(",", v)));
          byte[] answer =
              ("hello " + new String(body, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    standIn.setExecutor(executor);
    standIn.start();
    sandboxes.put(
        ready(sandbox(A, "token-a", OperatingMode.Running), standIn.getAddress().getPort()));
    sandboxes.put(
        ready(sandbox(B, "token-b", OperatingMode.Running), standIn.getAddress().getPort()));
    router = router(PodNetwork.direct());
  }

  private RouterServer router(PodNetwork network) throws IOException {
    Demand demand = new Demand(1);
    RouterMetrics metrics = new RouterMetrics(demand::total);
    Waker waker =
        new Waker(
            key -> {
              patches.incrementAndGet();
              if (refuseWakes) throw new KubernetesClientException("forbidden", 403, null);
              sandboxes.update(key, s -> withMode(s, OperatingMode.Running));
              return sandboxes.get(key).getMetadata().getGeneration();
            },
            metrics,
            executor);
    Access access =
        new Access(
            sandboxes::withTokenHash,
            key ->
                sandboxes.get(key) == null
                    ? null
                    : sandboxes.get(key).getMetadata().getAnnotations().get(Sandboxes.TOKEN_SHA256),
            (token, key) ->
                switch (token) {
                  case "sa-allowed" -> KubeReviews.Verdict.ALLOWED;
                  case "sa-denied" -> KubeReviews.Verdict.DENIED;
                  default -> KubeReviews.Verdict.UNAUTHENTICATED;
                },
            new ReviewCache(100, Duration.ofSeconds(10)),
            System::nanoTime);
    recorder = new ActivityRecorder(activity::put, executor);
    return new RouterServer(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new ProxyContext(
            LIMITS,
            sandboxes,
            access,
            waker,
            recorder,
            network,
            metrics,
            WAKE_TIMEOUT,
            Clock.fixed(Instant.parse("2026-12-01T10:00:00.123Z"), ZoneOffset.UTC),
            NO_WORKLOADS,
            demand,
            WAKE_TIMEOUT,
            new AtomicInteger()));
  }

  /** Workloads are the router IT's (on the local cluster); here there are none. */
  private static final WorkloadLookup NO_WORKLOADS =
      new WorkloadLookup() {
        @Override
        public boolean synced() {
          return true;
        }

        @Override
        public Workload workload(WorkloadKey key) {
          return null;
        }

        @Override
        public List<PodAddress> ready(WorkloadKey key) {
          return List.of();
        }

        @Override
        public List<PodAddress> awaitReady(WorkloadKey key, Duration within) {
          return List.of();
        }
      };

  @Test
  void anUnknownWorkloadIs404() throws Exception {
    HttpResponse<String> response = get("/workloads/ns/nothing/v1/models", "sa-allowed");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("no Workload ns/nothing");
  }

  @Test
  void aSandboxTokenIsNotGoodForWorkloads() throws Exception {
    assertThat(get("/workloads/ns/a/", "token-a").statusCode()).isEqualTo(403);
    assertThat(get("/workloads/ns/a/", "sa-denied").statusCode()).isEqualTo(403);
    assertThat(get("/workloads/ns/a/", null).statusCode()).isEqualTo(401);
  }

  @AfterEach
  void stop() throws IOException {
    router.close();
    standIn.stop(0);
    executor.shutdownNow();
  }

  private static Sandbox ready(Sandbox sandbox, int port) {
    sandbox.setStatus(status(true, "127.0.0.1", port, false));
    return sandbox;
  }

  private static Sandbox withMode(Sandbox sandbox, OperatingMode mode) {
    SandboxSpec spec = sandbox.getSpec();
    sandbox.setSpec(new SandboxSpec(spec.sandboxTemplateRef(), mode, spec.env(), spec.lifecycle()));
    sandbox.getMetadata().setGeneration(sandbox.getMetadata().getGeneration() + 1);
    return sandbox;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + router.port() + path);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesWithTheSandboxTokenToItsPod() throws Exception {
    HttpResponse<String> response = get("/sandboxes/ns/a/hello/x?q=1&r=2", "token-a");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello ");
    assertThat(response.headers().firstValue("connection")).hasValue("close");
    assertThat(seen.get("target")).isEqualTo("/hello/x?q=1&r=2");
    assertThat(seen).doesNotContainKey("authorization");
    assertThat(seen.get("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.get("x-forwarded-prefix")).isEqualTo("/sandboxes/ns/a");
    recorder.flush();
    assertThat(activity).containsEntry(A, Instant.parse("2026-12-01T10:00:00.123Z"));
  }

  @Test
  void streamsBodiesBothWays() throws Exception {
    HttpResponse<String> sized =
        http.send(
            HttpRequest.newBuilder(uri("/sandboxes/ns/a/echo"))
                .header("Authorization", "Bearer token-a")
                .POST(HttpRequest.BodyPublishers.ofString("sized body"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(sized.body()).isEqualTo("hello sized body");

    HttpResponse<String> chunked =
        http.send(
            HttpRequest.newBuilder(uri("/sandboxes/ns/a/echo"))
                .header("Authorization", "Bearer token-a")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () ->
                            new ByteArrayInputStream(
                                "chunked body".getBytes(StandardCharsets.UTF_8))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(seen.get("transfer-encoding")).isEqualTo("chunked");
    assertThat(chunked.body()).isEqualTo("hello chunked body");
  }

  @Test
  void refusesCallersWithoutTheRightToken() throws Exception {
    HttpResponse<String> none = get("/sandboxes/ns/a/", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).get().asString().startsWith("Bearer");
    assertThat(get("/sandboxes/ns/a/", "token-b").statusCode()).isEqualTo(403);
    assertThat(get("/sandboxes/ns/missing/", "token-b").statusCode())
        .as("another sandbox's token learns nothing of whether the target exists")
        .isEqualTo(403);
    assertThat(get("/sandboxes/ns/a/", "unknown").statusCode()).isEqualTo(401);
    assertThat(get("/sandboxes/ns/a/", "sa-denied").statusCode()).isEqualTo(403);
    assertThat(get("/sandboxes/ns/a/", "sa-allowed").statusCode()).isEqualTo(200);
    assertThat(get("/sandboxes/ns/missing/", "sa-allowed").statusCode()).isEqualTo(404);
    assertThat(seen).doesNotContainKey("authorization");
  }

  @Test
  void wakesASuspendedSandboxOnceAndHoldsItsRequests() throws Exception {
    sandboxes.update(
        A,
        s -> {
          withMode(s, OperatingMode.Suspended);
          s.setStatus(status(false, null, null, false));
          return s;
        });
    List<CompletableFuture<HttpResponse<String>>> requests =
        IntStream.range(0, 20)
            .mapToObj(
                i ->
                    http.sendAsync(
                        HttpRequest.newBuilder(uri("/sandboxes/ns/a/"))
                            .header("Authorization", "Bearer token-a")
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
            .toList();
    // The test plays the operator: once the router set the sandbox Running, its pod becomes Ready.
    sandboxes.awaitSpecRunning(A, Duration.ofSeconds(10));
    sandboxes.update(A, s -> ready(s, standIn.getAddress().getPort()));
    for (var request : requests) assertThat(request.get().statusCode()).isEqualTo(200);
    assertThat(patches).hasValue(1);
  }

  @Test
  void aSandboxThatDoesNotWakeInTimeIs503WithRetryAfter() throws Exception {
    sandboxes.update(
        A,
        s -> {
          withMode(s, OperatingMode.Suspended);
          s.setStatus(status(false, null, null, false));
          return s;
        });
    HttpResponse<String> response = get("/sandboxes/ns/a/", "token-a");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("5");
    assertThat(response.body()).contains("did not become Ready").doesNotContain("Exception");
    assertThat(patches)
        .as("it was woken, the test's operator just never made it Ready")
        .hasValue(1);
  }

  @Test
  void aRefusedResumeIs503AtOnceWithoutTheApiServersWords() throws Exception {
    refuseWakes = true;
    sandboxes.update(
        A,
        s -> {
          withMode(s, OperatingMode.Suspended);
          s.setStatus(status(false, null, null, false));
          return s;
        });
    HttpResponse<String> response = get("/sandboxes/ns/a/", "token-a");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body())
        .isEqualTo("cannot resume the sandbox: the API server answered 403\n");
  }

  @Test
  void anExpiredSandboxIsGoneAndNotWoken() throws Exception {
    sandboxes.update(
        A,
        s -> {
          withMode(s, OperatingMode.Suspended);
          s.setStatus(status(false, null, null, true));
          return s;
        });
    assertThat(get("/sandboxes/ns/a/", "token-a").statusCode()).isEqualTo(410);
    assertThat(patches).hasValue(0);
  }

  @Test
  void retriesTheDialAfterAWakeUntilTheServerRegisters() throws Exception {
    router.close();
    router = router(PodNetwork.directory(podNetworkDir));
    sandboxes.update(
        A,
        s -> {
          withMode(s, OperatingMode.Suspended);
          s.setStatus(status(false, null, null, false));
          return s;
        });
    var request =
        http.sendAsync(
            HttpRequest.newBuilder(uri("/sandboxes/ns/a/late"))
                .header("Authorization", "Bearer token-a")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    sandboxes.awaitSpecRunning(A, Duration.ofSeconds(10));
    Sandbox woken = sandboxes.get(A);
    woken.setStatus(status(true, "10.244.0.9", 8080, false));
    sandboxes.put(woken);
    // Ready first, the stand-in server's address a moment later, as the local cluster does.
    Thread.sleep(200);
    Files.writeString(
        podNetworkDir.resolve("10.244.0.9_8080"),
        "127.0.0.1:" + standIn.getAddress().getPort() + "\n");
    assertThat(request.get().statusCode()).isEqualTo(200);
    assertThat(seen.get("target")).isEqualTo("/late");
  }

  @Test
  void passesWebSocketsThroughBothWays() throws Exception {
    try (WebSocketEcho echo = new WebSocketEcho()) {
      sandboxes.update(A, s -> ready(s, echo.port()));
      CompletableFuture<String> received = new CompletableFuture<>();
      WebSocket socket =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer token-a")
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + router.port() + "/sandboxes/ns/a/ws?x=1"),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket ws, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) received.complete(text.toString());
                      ws.request(1);
                      return null;
                    }
                  })
              .get();
      socket.sendText("ping through the router", true).get();
      assertThat(received.get()).isEqualTo("ping through the router");
      assertThat(echo.lastPath).isEqualTo("/ws?x=1");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
    }
  }

  @Test
  void answersMalformedRequestsWithAShortTextAndNoTrace() throws Exception {
    assertThat(raw("GET /sandboxes/ns/a/ HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ")
        .contains("no Host header")
        .doesNotContain("Exception", "at dev.");
    assertThat(raw("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: h\r\n\r\n"))
        .startsWith("HTTP/1.1 414 ");
    assertThat(raw("GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(5000) + "\r\n"))
        .startsWith("HTTP/1.1 431 ");
    assertThat(raw("POST /sandboxes/ns/a/ HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n"))
        .startsWith("HTTP/1.1 413 ");
    assertThat(
            raw(
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ");
    assertThat(raw("GET /elsewhere HTTP/1.1\r\nHost: h\r\n\r\n")).startsWith("HTTP/1.1 404 ");
  }

  @Test
  void servesHealthAndMetrics() throws Exception {
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    get("/sandboxes/ns/a/", "token-a");
    String metrics = get("/metrics", null).body();
    assertThat(metrics)
        .contains("bosun_router_requests_total{outcome=\"forwarded\"} 1.0")
        .contains("bosun_router_wakes_total")
        .contains("bosun_router_wake_duration_seconds_bucket");
  }

  private String raw(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), router.port())) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}

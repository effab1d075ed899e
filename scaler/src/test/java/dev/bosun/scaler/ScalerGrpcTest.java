package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bosun.scaler.externalscaler.ExternalScalerGrpc;
import dev.bosun.scaler.externalscaler.GetMetricSpecResponse;
import dev.bosun.scaler.externalscaler.GetMetricsRequest;
import dev.bosun.scaler.externalscaler.GetMetricsResponse;
import dev.bosun.scaler.externalscaler.IsActiveResponse;
import dev.bosun.scaler.externalscaler.ScaledObjectRef;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler as KEDA sees it: the real gRPC server on a socket, a grpc-java client speaking the
 * same wire protocol as KEDA, and JDK HTTP servers on 127.0.0.1 standing in for a Workload's pods
 * and for a node's agent.
 */
class ScalerGrpcTest {
  private static final WorkloadKey LLM = new WorkloadKey("team-a", "llm");

  private final Map<WorkloadKey, List<ReadyPod>> ready = new ConcurrentHashMap<>();
  private final Map<String, PodAddress> agents = new ConcurrentHashMap<>();
  private final Map<Integer, String> bodies = new ConcurrentHashMap<>();
  private final List<HttpServer> pods = new CopyOnWriteArrayList<>();
  private final Demand demand = new Demand(10);
  private final AtomicInteger refusals = new AtomicInteger();
  private ScalerServer scaler;
  private ManagedChannel channel;
  private ExternalScalerGrpc.ExternalScalerBlockingStub blocking;

  @BeforeEach
  void start() throws IOException {
    connect(PodNetwork.direct(), ScalerServer.STALENESS);
  }

  private void connect(PodNetwork network, Duration staleness) throws IOException {
    scaler =
        ScalerServer.start(
            0,
            Duration.ofMillis(100),
            key -> ready.getOrDefault(key, List.of()),
            () -> Map.copyOf(agents),
            network,
            demand,
            staleness,
            line -> {});
    channel = NettyChannelBuilder.forAddress("127.0.0.1", scaler.port()).usePlaintext().build();
    blocking = ExternalScalerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    disconnect();
    pods.forEach(p -> p.stop(0));
  }

  private void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    scaler.close();
  }

  /** A Ready pod of the Workload served at {@code port} on 127.0.0.1. */
  private static ReadyPod servedAt(int port) {
    return new ReadyPod(
        new PodKey(LLM.namespace(), "llm-" + port), "node-1", new PodAddress("127.0.0.1", port));
  }

  private int pod(String body) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int port = server.getAddress().getPort();
    if (body != null) bodies.put(port, body); // none: the pod answers 500
    server.createContext(
        "/metrics",
        exchange -> {
          String current = bodies.get(port);
          if (current == null) refusals.incrementAndGet();
          byte[] bytes = current == null ? new byte[0] : current.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(
              current == null ? 500 : 200, bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    pods.add(server);
    return port;
  }

  private static ScaledObjectRef ref(String metric, String target) {
    return ScaledObjectRef.newBuilder()
        .setName("llm")
        .setNamespace(LLM.namespace())
        .putScalerMetadata("scalerAddress", "127.0.0.1:9090")
        .putScalerMetadata("workload", LLM.name())
        .putScalerMetadata("metric", metric)
        .putScalerMetadata("target", target)
        .build();
  }

  private double metric(String metric) {
    GetMetricsResponse response =
        blocking.getMetrics(
            GetMetricsRequest.newBuilder()
                .setScaledObjectRef(ref(metric, "5"))
                .setMetricName("s0-" + metric)
                .build());
    assertThat(response.getMetricValues(0).getMetricName()).isEqualTo("s0-" + metric);
    return response.getMetricValues(0).getMetricValueFloat();
  }

  @Test
  void theMetricSpecIsTheTargetPerReplica() {
    GetMetricSpecResponse spec = blocking.getMetricSpec(ref("requestsWaiting", "2.5"));
    assertThat(spec.getMetricSpecsList()).hasSize(1);
    assertThat(spec.getMetricSpecs(0).getMetricName()).isEqualTo("requestsWaiting");
    assertThat(spec.getMetricSpecs(0).getTargetSizeFloat()).isEqualTo(2.5);
    assertThat(spec.getMetricSpecs(0).getTargetSize()).isEqualTo(3);
  }

  @Test
  void metricsAreSummedOverTheReadyPodsPlusHeldRequests() throws IOException {
    int a = pod("vllm:num_requests_waiting{model_name=\"m\"} 3\nvllm:kv_cache_usage_perc 0.5\n");
    int b = pod("vllm:num_requests_waiting{model_name=\"m\"} 4\nvllm:kv_cache_usage_perc 0.25\n");
    ready.put(LLM, List.of(servedAt(a), servedAt(b)));
    // A pod that misses a round's deadline (a cold JVM on a busy machine) is left out of that
    // round's partial sum; the next round reads it.
    await("both pods read")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(metric("requestsWaiting")).isEqualTo(7);
              assertThat(metric("kvCacheUsage")).isEqualTo(75);
            });
    Optional<Demand.Hold> hold = demand.tryHold(LLM);
    assertThat(metric("requestsWaiting")).as("a held request waits too").isEqualTo(8);
    hold.orElseThrow().close();
    assertThat(blocking.isActive(ref("requestsWaiting", "5")).getResult()).isTrue();
  }

  @Test
  void badMetadataIsInvalidArgumentNamingTheKey() {
    assertThatThrownBy(() -> blocking.getMetricSpec(ref("cpu", "5")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("metric: cpu is not served");
            });
    assertThatThrownBy(() -> blocking.isActive(ref("requestsWaiting", "lots")))
        .hasMessageContaining("INVALID_ARGUMENT: target:");
  }

  @Test
  void aMissingSignalIsAnErrorNeverZero() throws IOException {
    int down = pod(null);
    ready.put(LLM, List.of(servedAt(down)));
    assertThatThrownBy(() -> metric("requestsRunning"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("answered 500");
            });
    assertThatThrownBy(() -> blocking.isActive(ref("requestsRunning", "5")))
        .hasMessageContaining("UNAVAILABLE");
  }

  @Test
  void aLastKnownValueOutlivesABriefOutage() throws IOException {
    int port = pod("vllm:num_requests_running 6\n");
    ready.put(LLM, List.of(servedAt(port)));
    assertThat(metric("requestsRunning")).isEqualTo(6);
    bodies.remove(port); // the pod now answers 500
    // Rounds run one after another: a second refusal served means the first round is recorded.
    await().atMost(Duration.ofSeconds(10)).until(() -> refusals.get() >= 2);
    assertThat(metric("requestsRunning")).as("within the staleness bound").isEqualTo(6);
  }

  @Test
  void gpuIsTheSumOverPodsOfWhatTheirNodesAgentReportsThenUnavailable(@TempDir Path podNetwork)
      throws IOException, InterruptedException {
    // The agent is dialled as any pod is: on the local cluster, through the pod-network directory.
    int agentPort = pod(AgentExposition.BODY);
    Files.writeString(podNetwork.resolve("10.1.0.5_9400"), "127.0.0.1:" + agentPort + "\n");
    agents.put(AgentExposition.NODE, new PodAddress("10.1.0.5", 9400));
    ready.put(
        LLM,
        List.of(
            new ReadyPod(
                AgentExposition.X2, AgentExposition.NODE, new PodAddress("10.0.0.7", 8000)),
            new ReadyPod(
                AgentExposition.K4, AgentExposition.NODE, new PodAddress("10.0.0.8", 8000)),
            new ReadyPod(
                new PodKey("team-a", "chat-7d9-q8"),
                "gpu-node-2",
                new PodAddress("10.0.0.9", 8000))));
    disconnect();
    connect(PodNetwork.directory(podNetwork), Duration.ofSeconds(1));

    // Awaited: a cold JVM's first scrape can outlast the 2 s scrape timeout on a loaded machine.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(metric("gpu"))
                    .as("45 (two GPUs) + 20; no agent on gpu-node-2")
                    .isEqualTo(65));
    assertThat(blocking.isActive(ref("gpu", "50")).getResult()).isTrue();

    bodies.remove(agentPort); // the agent now answers 500
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> metric("gpu"))
                    .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> {
                          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                          assertThat(e.getStatus().getDescription())
                              .contains("the agent on gpu-node-1: ")
                              .contains("answered 500")
                              .endsWith("the last value is older than 1000 ms");
                        }));
  }

  @Test
  void streamIsActivePushesTheMomentARequestIsHeld() {
    ready.put(LLM, List.of()); // at zero replicas
    List<Boolean> pushed = new CopyOnWriteArrayList<>();
    ExternalScalerGrpc.newStub(channel)
        .streamIsActive(
            ref("requestsWaiting", "5"),
            new StreamObserver<>() {
              @Override
              public void onNext(IsActiveResponse value) {
                pushed.add(value.getResult());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> pushed.equals(List.of(false)));
    Demand.Hold hold = demand.tryHold(LLM).orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> pushed.equals(List.of(false, true)));
    hold.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> pushed.equals(List.of(false, true, false)));
  }
}

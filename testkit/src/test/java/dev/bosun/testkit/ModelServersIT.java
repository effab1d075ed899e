package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.localcluster.GpuUtilisation;
import dev.bosun.localcluster.LoadGenerator;
import dev.bosun.localcluster.ModelServerPlan;
import dev.bosun.localcluster.ModelServerSettings;
import dev.bosun.localcluster.ModelServers;
import dev.bosun.localcluster.PodEndpoint;
import dev.bosun.localcluster.PodNetwork;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in model servers on the real control plane: every Running pod of an Inference
 * Workload's Deployment (labelled as the compiler labels it) gets a server in the pod network; load
 * above one replica's capacity raises vLLM's waiting gauge at its /metrics, and the same load
 * spread over more replicas (as the Service would spread it) no longer queues as much.
 */
@ExtendWith(LocalClusterExtension.class)
class ModelServersIT {
  private static final Duration WITHIN = Duration.ofSeconds(90);
  private static final String WORKLOAD = "chat";
  private static final int PORT = 8000;

  /** Four requests a second per replica: a second each, four at once. */
  private static final ModelServerSettings SETTINGS =
      new ModelServerSettings(4, Duration.ofSeconds(1), 1000);

  /** Three replicas' worth of demand. */
  private static final int RPS = 12;

  private static final Pattern WAITING =
      Pattern.compile(
          "^" + Pattern.quote(Scaling.VLLM_REQUESTS_WAITING) + "\\{[^}]*\\} (\\S+)$",
          Pattern.MULTILINE);

  @TempDir Path home;

  private KubernetesClient client;
  private ModelServers servers;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeEach
  void servers(KubernetesClient client) {
    this.client = client;
    servers =
        ModelServers.start(
            client, PodNetwork.atHome(home), SETTINGS, GpuUtilisation.NONE, System.err::println);
  }

  @AfterEach
  void stop() {
    load.shutdownNow();
    servers.close();
    http.close();
  }

  @Test
  void loadAboveCapacityQueuesAndMoreReplicasSpreadIt() throws Exception {
    client.resource(deployment(1)).create();
    var one = awaitServed(1);

    int queuedOnOne = maxWaitingDuring(one);
    assertThat(queuedOnOne).as("waiting on one replica").isGreaterThanOrEqualTo(RPS - 4);

    client.apps().deployments().withName(WORKLOAD).scale(4);
    var four = awaitServed(4);
    List<PodEndpoint> servedByFour = runningEndpoints();
    int queuedOnFour = maxWaitingDuring(four);
    assertThat(queuedOnFour).as("waiting on four replicas").isLessThan(queuedOnOne);

    // Scaled back down, the servers of the pods that went go with their files. Only this test's
    // pods are looked at: the cluster may be one that `bosun dev up` started, serving others.
    client.apps().deployments().withName(WORKLOAD).scale(1);
    awaitServed(1);
    List<PodEndpoint> kept = runningEndpoints();
    List<PodEndpoint> gone = servedByFour.stream().filter(e -> !kept.contains(e)).toList();
    assertThat(gone).hasSize(3);
    await()
        .atMost(WITHIN)
        .until(() -> gone.stream().allMatch(e -> servers.network().lookup(e).isEmpty()));
    assertThat(servers.network().lookup(kept.getFirst())).isPresent();
  }

  private List<PodEndpoint> runningEndpoints() {
    return runningPods().stream()
        .map(pod -> new PodEndpoint(pod.getStatus().getPodIP(), PORT))
        .toList();
  }

  /**
   * Sends {@link #RPS} for four seconds, evenly over the replicas as a Service would, and returns
   * the most requests any replica had waiting, read at its /metrics through the pod network while
   * the load ran; returns once every request is answered, so the queues are empty again.
   */
  private int maxWaitingDuring(List<InetSocketAddress> replicas) throws Exception {
    var futures = new ArrayList<Future<LoadGenerator.Report>>();
    for (var replica : replicas) {
      var settings =
          new LoadGenerator.Settings(
              "{\"model\":\"chat\",\"prompt\":\"hi\"}",
              RPS / replicas.size(),
              Duration.ofSeconds(4),
              1000);
      futures.add(
          load.submit(
              () -> LoadGenerator.run(http, uri(replica, "/v1/completions"), settings, s -> {})));
    }
    var max = new AtomicInteger();
    while (futures.stream().anyMatch(future -> !future.isDone())) {
      for (var replica : replicas) {
        max.accumulateAndGet(waiting(replica), Math::max);
      }
      Thread.sleep(100);
    }
    for (var future : futures) {
      var total = future.get().total();
      assertThat(total.errors() + total.unavailable()).as(total.toString()).isZero();
    }
    return max.get();
  }

  private int waiting(InetSocketAddress replica) throws IOException, InterruptedException {
    var response =
        http.send(
            HttpRequest.newBuilder(uri(replica, "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    var matcher = WAITING.matcher(response.body());
    assertThat(matcher.find()).as(response.body()).isTrue();
    return (int) Double.parseDouble(matcher.group(1));
  }

  /**
   * The loopback addresses of the Workload's {@code replicas} Running pods, once all are served.
   */
  private List<InetSocketAddress> awaitServed(int replicas) {
    await()
        .atMost(WITHIN)
        .until(
            () -> {
              var running = runningPods();
              return running.size() == replicas
                  && running.stream().allMatch(pod -> lookup(pod) != null);
            });
    return runningPods().stream().map(this::lookup).toList();
  }

  private List<Pod> runningPods() {
    return client.pods().withLabel(Scaling.WORKLOAD_LABEL, WORKLOAD).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .filter(pod -> "Running".equals(pod.getStatus().getPhase()))
        .filter(pod -> pod.getStatus().getPodIP() != null)
        .toList();
  }

  private InetSocketAddress lookup(Pod pod) {
    return servers.network().lookup(new PodEndpoint(pod.getStatus().getPodIP(), PORT)).orElse(null);
  }

  private static URI uri(InetSocketAddress address, String path) {
    return URI.create("http://" + address.getHostString() + ":" + address.getPort() + path);
  }

  /** An Inference Workload's Deployment as the compiler labels it; its pods run on CPU nodes. */
  private static Deployment deployment(int replicas) {
    Map<String, String> labels =
        Map.of(
            Scaling.WORKLOAD_LABEL, WORKLOAD, Scaling.COMPONENT_LABEL, ModelServerPlan.INFERENCE);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(WORKLOAD)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Map.of(Scaling.WORKLOAD_LABEL, WORKLOAD))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("registry.example.com/acme/vllm:0.11")
        .addNewPort()
        .withName("http")
        .withContainerPort(PORT)
        .endPort()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}

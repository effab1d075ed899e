package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.scaler.WorkloadKey;
import dev.bosun.scaler.externalscaler.ExternalScalerGrpc;
import dev.bosun.scaler.externalscaler.IsActiveResponse;
import dev.bosun.scaler.externalscaler.ScaledObjectRef;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router on the local cluster: real Sandboxes, the real API server's TokenReview,
 * SubjectAccessReview and TokenRequest, and a JDK HTTP server on 127.0.0.1 standing in for the
 * sandbox's pod through a temporary pod-network directory. {@link OperatorStandIn} writes the
 * status the operator would. The router runs as its ServiceAccount (impersonated) with the RBAC of
 * deploy/router/rbac.yaml, so every test also proves that the ClusterRole grants what it needs.
 */
@ExtendWith(LocalClusterExtension.class)
class RouterIT {
  private static final String POD_IP = "10.244.7.9";
  private static final int POD_PORT = 8080;

  @TempDir Path podNetwork;

  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer standIn;
  private RouterMain router;

  private static final Path DEPLOY =
      Path.of(System.getProperty("user.dir")).resolve("../deploy").normalize();
  private static final String SERVICE_ACCOUNT =
      "system:serviceaccount:bosun-system:" + Sandboxes.ROUTER_NAME;

  @BeforeAll
  static void install(KubernetesClient client) throws IOException {
    Crds.apply(client, DEPLOY.resolve("crds/sandboxes.bosun.dev-v1.yml"));
    Crds.apply(client, DEPLOY.resolve("crds/workloads.bosun.dev-v1.yml"));
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("bosun-system").endMetadata().build())
        .fieldManager("bosun-tests")
        .serverSideApply();
    try (InputStream rbac = Files.newInputStream(DEPLOY.resolve("router/rbac.yaml"))) {
      for (HasMetadata object : client.load(rbac).items()) {
        client.resource(object).fieldManager("bosun-tests").forceConflicts().serverSideApply();
      }
    }
  }

  /** A client that the API server authorizes as the router's ServiceAccount. */
  private static KubernetesClient asRouter(KubernetesClient admin) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername(SERVICE_ACCOUNT)
                .withImpersonateGroups(
                    "system:serviceaccounts",
                    "system:serviceaccounts:bosun-system",
                    "system:authenticated")
                .build())
        .build();
  }

  @BeforeEach
  void standIn() throws IOException {
    standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    standIn.createContext(
        "/",
        exchange -> {
          byte[] body = ("agent saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    standIn.start();
    Files.writeString(
        podNetwork.resolve(POD_IP + "_" + POD_PORT),
        "127.0.0.1:" + standIn.getAddress().getPort() + "\n");
  }

  @AfterEach
  void stop() {
    if (router != null) router.close();
    standIn.stop(0);
  }

  private void startRouter(KubernetesClient client, Duration wakeTimeout) throws IOException {
    startRouter(client, wakeTimeout, wakeTimeout);
  }

  private void startRouter(KubernetesClient client, Duration wakeTimeout, Duration holdTimeout)
      throws IOException {
    router =
        RouterMain.start(
            new RouterMain.Settings(
                null,
                0,
                podNetwork,
                wakeTimeout,
                Duration.ofMillis(200),
                List.of(),
                0,
                10,
                holdTimeout,
                Duration.ofMillis(200),
                RouterMain.Settings.DEFAULT_AGENT_NAMESPACE),
            asRouter(client),
            line -> System.err.println("[router] " + line));
  }

  private SandboxKey create(
      KubernetesClient client, TestNamespace ns, String name, String token, OperatingMode mode) {
    SandboxKey key = new SandboxKey(ns.name(), name);
    Sandbox sandbox = TestSandboxes.sandbox(key, token, mode);
    sandbox.getMetadata().setGeneration(null);
    client.resource(sandbox).create();
    return key;
  }

  private HttpResponse<String> get(SandboxKey key, String path, String token) throws Exception {
    return http.send(request(key, path, token), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(SandboxKey key, String path, String token) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + router.port() + "/sandboxes/" + key + path))
        .header("Authorization", "Bearer " + token)
        .build();
  }

  private static Sandbox fetch(KubernetesClient client, SandboxKey key) {
    return client.resources(Sandbox.class).inNamespace(key.namespace()).withName(key.name()).get();
  }

  @Test
  void aSandboxTokenReachesItsSandboxOnlyAndActivityIsRecorded(
      KubernetesClient client, TestNamespace ns) throws Exception {
    OperatorStandIn operator = new OperatorStandIn(client);
    SandboxKey a = create(client, ns, "agent-a", "token-a", OperatingMode.Running);
    SandboxKey b = create(client, ns, "agent-b", "token-b", OperatingMode.Running);
    operator.ready(a, POD_IP, POD_PORT);
    operator.ready(b, POD_IP, POD_PORT);
    startRouter(client, Duration.ofSeconds(20));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SandboxView.of(router.sandbox(a)) instanceof SandboxView.Serving);

    Instant before = Instant.now().minusSeconds(1);
    HttpResponse<String> ok = get(a, "/tools/run?x=1", "token-a");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("agent saw /tools/run?x=1");

    assertThat(get(a, "/", "token-b").statusCode()).isEqualTo(403);
    assertThat(get(a, "/", "not-a-token").statusCode()).isEqualTo(401);

    await("the last-activity annotation")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String at =
                  fetch(client, a).getMetadata().getAnnotations().get(Sandboxes.LAST_ACTIVITY);
              assertThat(at).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
              assertThat(Instant.parse(at)).isAfter(before);
            });
  }

  @Test
  void aRequestResumesASuspendedSandboxAndWaitsUntilItIsReady(
      KubernetesClient client, TestNamespace ns) throws Exception {
    OperatorStandIn operator = new OperatorStandIn(client);
    SandboxKey a = create(client, ns, "sleeper", "token-s", OperatingMode.Suspended);
    operator.suspended(a);
    startRouter(client, Duration.ofSeconds(60));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> router.sandbox(a) != null && router.sandbox(a).getStatus() != null);

    List<CompletableFuture<HttpResponse<String>>> held =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    http.sendAsync(
                        request(a, "/wake/" + i, "token-s"), HttpResponse.BodyHandlers.ofString()))
            .toList();
    await("the router sets the sandbox Running")
        .atMost(Duration.ofSeconds(30))
        .until(() -> fetch(client, a).getSpec().effectiveOperatingMode() == OperatingMode.Running);
    assertThat(held).noneMatch(CompletableFuture::isDone);
    operator.ready(a, POD_IP, POD_PORT);
    for (int i = 0; i < held.size(); i++) {
      HttpResponse<String> response = held.get(i).get();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("agent saw /wake/" + i);
    }
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .as("ten held requests, one resume")
        .contains("bosun_router_wakes_total 1.0");
  }

  @Test
  void aSandboxNotReadyWithinTheWakeTimeoutIs503WithRetryAfter(
      KubernetesClient client, TestNamespace ns) throws Exception {
    OperatorStandIn operator = new OperatorStandIn(client);
    SandboxKey a = create(client, ns, "never", "token-n", OperatingMode.Suspended);
    operator.suspended(a);
    startRouter(client, Duration.ofSeconds(2));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> router.sandbox(a) != null && router.sandbox(a).getStatus() != null);

    HttpResponse<String> response = get(a, "/", "token-n");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.body()).contains("did not become Ready");
    assertThat(fetch(client, a).getSpec().effectiveOperatingMode())
        .isEqualTo(OperatingMode.Running);
  }

  @Test
  void aServiceAccountNeedsCreateOnSandboxesProxy(KubernetesClient client, TestNamespace ns)
      throws Exception {
    OperatorStandIn operator = new OperatorStandIn(client);
    SandboxKey a = create(client, ns, "shared", "token-x", OperatingMode.Running);
    operator.ready(a, POD_IP, POD_PORT);
    for (String name : List.of("caller", "stranger")) {
      client
          .serviceAccounts()
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    allowProxy(client, ns, "caller", HasMetadata.getPlural(Sandbox.class), a.name());
    String callerToken = token(client, "caller");
    String strangerToken = token(client, "stranger");
    startRouter(client, Duration.ofSeconds(20));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SandboxView.of(router.sandbox(a)) instanceof SandboxView.Serving);

    await("RBAC is in force")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(get(a, "/as-sa", callerToken).statusCode()).isEqualTo(200));
    assertThat(get(a, "/as-sa", strangerToken).statusCode()).isEqualTo(403);
    assertThat(get(new SandboxKey(ns.name(), "other"), "/", callerToken).statusCode())
        .as("the role names one sandbox")
        .isEqualTo(403);
  }

  private static final int WORKLOAD_PORT = 8000;

  /**
   * An Inference Workload at zero replicas, as the operator would leave it: the Workload, and a
   * Deployment of 0 replicas whose pods carry the Workload's label (the operator is not running).
   */
  private static WorkloadKey workloadAtZero(
      KubernetesClient client, TestNamespace ns, String name) {
    client
        .resource(
            Serialization.unmarshal(
                "{\"apiVersion\":\"bosun.dev/v1alpha1\",\"kind\":\"Workload\","
                    + "\"metadata\":{\"name\":\""
                    + name
                    + "\"},\"spec\":{\"type\":\"Inference\",\"image\":\"vllm/vllm-openai:v0.11.0\","
                    + "\"size\":\"gpu-m\",\"port\":"
                    + WORKLOAD_PORT
                    + "}}",
                Workload.class))
        .create();
    client
        .apps()
        .deployments()
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withNewSelector()
                .addToMatchLabels(Scaling.WORKLOAD_LABEL, name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels(Scaling.WORKLOAD_LABEL, name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("server")
                .withImage("vllm/vllm-openai:v0.11.0")
                .addNewPort()
                .withContainerPort(WORKLOAD_PORT)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    return new WorkloadKey(ns.name(), name);
  }

  /**
   * A ServiceAccount allowed to {@code create} {@code workloads/proxy} on those named: its token.
   */
  private static String callerOfWorkloads(
      KubernetesClient client, TestNamespace ns, String... workloads) {
    client
        .serviceAccounts()
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("caller").endMetadata().build())
        .create();
    for (String workload : workloads) {
      allowProxy(client, ns, "caller", HasMetadata.getPlural(Workload.class), workload);
    }
    return token(client, "caller");
  }

  private HttpRequest workloadRequest(WorkloadKey key, String path, String token) {
    return HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:" + router.port() + Scaling.ROUTER_WORKLOAD_PREFIX + key + path))
        .header("Authorization", "Bearer " + token)
        .build();
  }

  private static ScaledObjectRef scaledObject(WorkloadKey key) {
    return ScaledObjectRef.newBuilder()
        .setName(key.name())
        .setNamespace(key.namespace())
        .putScalerMetadata(Scaling.METADATA_WORKLOAD, key.name())
        .putScalerMetadata(Scaling.METADATA_METRIC, "requestsWaiting")
        .putScalerMetadata(Scaling.METADATA_TARGET, "4")
        .build();
  }

  @Test
  void aRequestToAWorkloadAtZeroIsHeldTheScalerPushesActiveAndItSucceedsOnceAPodIsReady(
      KubernetesClient client, TestNamespace ns) throws Exception {
    WorkloadKey llm = workloadAtZero(client, ns, "llm");
    String token = callerOfWorkloads(client, ns, llm.name());
    startRouter(client, Duration.ofSeconds(20), Duration.ofSeconds(60));
    await("the router knows the Workload")
        .atMost(Duration.ofSeconds(30))
        .until(() -> router.workloadKnown(llm));

    // KEDA's side: the push scaler's stream, over the same wire protocol KEDA speaks.
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", router.scalerPort()).usePlaintext().build();
    List<Boolean> pushed = new CopyOnWriteArrayList<>();
    try {
      ExternalScalerGrpc.newStub(channel)
          .streamIsActive(
              scaledObject(llm),
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
      await("inactive at zero")
          .atMost(Duration.ofSeconds(30))
          .until(() -> pushed.equals(List.of(false)));

      CompletableFuture<HttpResponse<String>> held =
          http.sendAsync(
              workloadRequest(llm, "/v1/models", token), HttpResponse.BodyHandlers.ofString());
      await("the held request is pushed as activity, without a scrape")
          .atMost(Duration.ofSeconds(30))
          .until(() -> pushed.equals(List.of(false, true)));
      assertThat(held).isNotDone();

      // KEDA's part, played by the test: one replica. The scheduler and KWOK make its pod Ready.
      client.apps().deployments().withName(llm.name()).scale(1);
      Pod pod =
          await("a Ready pod with an IP")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      client
                          .pods()
                          .withLabel(Scaling.WORKLOAD_LABEL, llm.name())
                          .list()
                          .getItems()
                          .stream()
                          .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                          .findFirst()
                          .orElse(null),
                  p -> p != null);
      Files.writeString(
          podNetwork.resolve(pod.getStatus().getPodIP() + "_" + WORKLOAD_PORT),
          "127.0.0.1:" + standIn.getAddress().getPort() + "\n");

      HttpResponse<String> response = held.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("agent saw /v1/models");
      String metrics =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + router.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains("bosun_router_workload_holds_total{outcome=\"forwarded\"} 1.0")
          .contains("bosun_router_workload_held 0.0");

      HttpResponse<String> again =
          http.send(workloadRequest(llm, "/again", token), HttpResponse.BodyHandlers.ofString());
      assertThat(again.body()).as("now straight to the Ready pod").isEqualTo("agent saw /again");
      assertThat(
              http.send(
                      workloadRequest(llm, "/", "not-a-token"),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              http.send(
                      workloadRequest(new WorkloadKey(ns.name(), "nothing"), "/", token),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("the role names one Workload")
          .isEqualTo(403);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkloadWithNoReadyPodWithinTheHoldTimeoutIs503WithRetryAfter(
      KubernetesClient client, TestNamespace ns) throws Exception {
    WorkloadKey idle = workloadAtZero(client, ns, "idle");
    String token = callerOfWorkloads(client, ns, idle.name(), "missing");
    startRouter(client, Duration.ofSeconds(20), Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> router.workloadKnown(idle));

    HttpResponse<String> response =
        http.send(
            workloadRequest(idle, "/v1/completions", token), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.body()).contains("had no Ready pod within 2 s");
    assertThat(
            http.send(
                    workloadRequest(new WorkloadKey(ns.name(), "missing"), "/", token),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
  }

  /**
   * Lets the ServiceAccount {@code create} {@code <resource>/proxy} on the one object named, in the
   * test namespace.
   */
  private static void allowProxy(
      KubernetesClient client,
      TestNamespace ns,
      String serviceAccount,
      String resource,
      String name) {
    String role = resource + "-" + name + "-proxy";
    client
        .rbac()
        .roles()
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(role)
                .endMetadata()
                .addNewRule()
                .withApiGroups(Workload.GROUP)
                .withResources(resource + "/" + KubeReviews.PROXY)
                .withResourceNames(name)
                .withVerbs(KubeReviews.VERB)
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .roleBindings()
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(serviceAccount + "-" + role)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", role)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(serviceAccount)
                .withNamespace(ns.name())
                .endSubject()
                .build())
        .create();
    await("RBAC is in force")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                    .authorization()
                    .v1()
                    .subjectAccessReview()
                    .create(
                        new SubjectAccessReviewBuilder()
                            .withNewSpec()
                            .withUser("system:serviceaccount:" + ns.name() + ":" + serviceAccount)
                            .withNewResourceAttributes()
                            .withGroup(Workload.GROUP)
                            .withResource(resource)
                            .withSubresource(KubeReviews.PROXY)
                            .withVerb(KubeReviews.VERB)
                            .withNamespace(ns.name())
                            .withName(name)
                            .endResourceAttributes()
                            .endSpec()
                            .build())
                    .getStatus()
                    .getAllowed());
  }

  private static String token(KubernetesClient client, String serviceAccount) {
    return client
        .serviceAccounts()
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
        .getStatus()
        .getToken();
  }
}

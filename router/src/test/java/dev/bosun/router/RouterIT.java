package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
    router =
        RouterMain.start(
            new RouterMain.Settings(
                null, 0, podNetwork, wakeTimeout, Duration.ofMillis(200), List.of()),
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
    client
        .rbac()
        .roles()
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("sandbox-proxy")
                .endMetadata()
                .addNewRule()
                .withApiGroups(Workload.GROUP)
                .withResources(HasMetadata.getPlural(Sandbox.class) + "/" + KubeReviews.PROXY)
                .withResourceNames(a.name())
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
                .withName("caller-sandbox-proxy")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "sandbox-proxy")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("caller")
                .withNamespace(ns.name())
                .endSubject()
                .build())
        .create();
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

// A request to a suspended sandbox through the router (issue 12, "Numbers"): run with
// bench/sandbox-wake/run.sh, which starts the local cluster, the operator and the router.
//
// Each round suspends one sandbox (spec.operatingMode=Suspended), waits until the operator has
// deleted its pod and says Suspended, then sends one GET through the router with the sandbox's own
// token and times it from the request to the response: the router resumes the sandbox, holds the
// request until it is Ready and its stand-in server answers, and forwards it. For comparison, the
// same GET to sandboxes that run.

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.localcluster.KubeClients;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

static final String NAMESPACE = "sandbox-bench-wake";

void main() throws Exception {
  Path home = Path.of(System.getenv("BOSUN_DEV_HOME"));
  int wakes = Integer.getInteger("wakes", 100);
  int count = Integer.getInteger("sandboxes", 10);
  String router = System.getProperty("router", "http://127.0.0.1:18083");
  IO.println(
      "machine: %d cores; %d wakes over %d sandboxes through %s"
          .formatted(Runtime.getRuntime().availableProcessors(), wakes, count, router));
  try (KubernetesClient client = KubeClients.forKubeconfig(home.resolve("kubeconfig"));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
    setUp(client, count);
    Map<String, String> tokens = new HashMap<>();
    for (int i = 0; i < count; i++) {
      String name = "s-" + i;
      client
          .resources(Sandbox.class)
          .inNamespace(NAMESPACE)
          .withName(name)
          .waitUntilCondition(s -> ready(s), 2, TimeUnit.MINUTES);
      tokens.put(name, token(client, name));
    }
    List<Long> running = new ArrayList<>();
    for (int i = 0; i < wakes; i++) {
      String name = "s-" + (i % count);
      long start = System.nanoTime();
      int code = get(http, router, name, tokens.get(name));
      if (code == 200) {
        running.add(System.nanoTime() - start);
      }
    }
    IO.println("running: " + stats("request -> response", running));
    List<Long> woken = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < wakes; i++) {
      String name = "s-" + (i % count);
      suspend(client, name);
      long start = System.nanoTime();
      int code = get(http, router, name, tokens.get(name));
      if (code == 200) {
        woken.add(System.nanoTime() - start);
      } else {
        failed++;
        IO.println("wake " + i + " of " + name + ": HTTP " + code);
      }
    }
    IO.println("suspended: " + stats("request -> response", woken) + ", " + failed + " failed");
  }
  System.exit(0);
}

void setUp(KubernetesClient client, int count) {
  client
      .resource(
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(NAMESPACE)
              .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
              .endMetadata()
              .build())
      .serverSideApply();
  var template = new SandboxTemplate();
  template.setMetadata(new ObjectMetaBuilder().withName("agent").withNamespace(NAMESPACE).build());
  template.setSpec(
      new SandboxTemplateSpec(
          "cpu-s",
          "registry.example.com/acme/agent:1.0",
          null,
          8080,
          null,
          null,
          null,
          null,
          null));
  client.resource(template).serverSideApply();
  for (int i = 0; i < count; i++) {
    var sandbox = new Sandbox();
    sandbox.setMetadata(
        new ObjectMetaBuilder().withName("s-" + i).withNamespace(NAMESPACE).build());
    sandbox.setSpec(new SandboxSpec(new ObjectName("agent"), OperatingMode.Running, null, null));
    client.resource(sandbox).serverSideApply();
  }
}

/** Suspends the sandbox and waits until the operator has taken its pod away. */
void suspend(KubernetesClient client, String name) {
  var sandboxes = client.resources(Sandbox.class).inNamespace(NAMESPACE).withName(name);
  sandboxes.patch(
      PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"operatingMode\":\"Suspended\"}}");
  sandboxes.waitUntilCondition(
      s ->
          s != null
              && s.getStatus() != null
              && isTrue(s, ConditionTypes.SUSPENDED)
              && s.getStatus().podName() == null,
      2,
      TimeUnit.MINUTES);
  client
      .pods()
      .inNamespace(NAMESPACE)
      .withName(name)
      .waitUntilCondition(p -> p == null, 2, TimeUnit.MINUTES);
}

int get(HttpClient http, String router, String name, String token) throws Exception {
  var request =
      HttpRequest.newBuilder(URI.create(router + "/sandboxes/" + NAMESPACE + "/" + name + "/"))
          .header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(60))
          .build();
  return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
}

String token(KubernetesClient client, String name) {
  var secret =
      client.secrets().inNamespace(NAMESPACE).withName(Sandboxes.tokenSecretName(name)).get();
  return new String(
      Base64.getDecoder().decode(secret.getData().get(Sandboxes.TOKEN_KEY)),
      StandardCharsets.UTF_8);
}

static boolean ready(Sandbox s) {
  return s != null && s.getStatus() != null && isTrue(s, ConditionTypes.READY);
}

static boolean isTrue(Sandbox s, String type) {
  return s.getStatus().conditions() != null
      && s.getStatus().conditions().stream()
          .anyMatch(c -> c.type().equals(type) && "True".equals(c.status()));
}

String stats(String what, List<Long> nanos) {
  if (nanos.isEmpty()) {
    return what + ": none";
  }
  List<Long> sorted = nanos.stream().sorted().toList();
  return "%s n=%d p50 %.1f ms, p99 %.1f ms, max %.1f ms"
      .formatted(
          what,
          sorted.size(),
          sorted.get(sorted.size() / 2) / 1e6,
          sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6,
          sorted.getLast() / 1e6);
}

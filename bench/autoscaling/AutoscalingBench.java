// Autoscaling (issue 13, "Numbers"): run with bench/autoscaling/run.sh, which starts the local
// cluster with KEDA, the operator, the router (and its push scaler) and the stand-in model servers,
// and applies the Environment, the tier and the Workloads this measures.
//
// steps  STEPS load steps on Workload `step` (stand-ins of 8 requests/s each: 4 slots, 500 ms):
//        steady at LOW requests/s (what 2 replicas serve), then HIGH (what 6 serve). From the
//        step's first request: the Deployment's replicas raised (the watch event), and every new
//        replica Ready; p50 / p99 / max. Between steps the load drops back and the Workload returns
//        to 2 replicas.
// zero   ZERO first requests to Workload `cold` at zero replicas: request -> response through the
//        router, which holds it while KEDA (told at once by the scaler's stream) scales 0 -> 1;
//        p50 / p99 / max. Between trials the Workload idles back to zero.

import dev.bosun.localcluster.LoadGenerator;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

static final String NAMESPACE = "bench";
static final int LOW_RPS = Integer.getInteger("low", 16);
static final int HIGH_RPS = Integer.getInteger("high", 48);
static final int FLOOR = 2;
static final int RAISED = 6;
static final Duration STEP_LOAD = Duration.ofSeconds(Integer.getInteger("stepSeconds", 20));
static final Random RANDOM = new Random();

KubernetesClient client;
String router;
String token;

void main() throws Exception {
  client = new KubernetesClientBuilder().build();
  Path home = Path.of(System.getenv("BOSUN_DEV_HOME"));
  router = Files.readString(home.resolve("router-url")).strip();
  token =
      client
          .serviceAccounts()
          .inNamespace(NAMESPACE)
          .withName("bosun-dev-load")
          .tokenRequest(
              new TokenRequestBuilder()
                  .withNewSpec()
                  .withExpirationSeconds(7200L)
                  .endSpec()
                  .build())
          .getStatus()
          .getToken();
  int steps = Integer.getInteger("steps", 20);
  int zero = Integer.getInteger("zero", 10);
  // Zero first: the steps leave a steady load running until the process ends.
  if (zero > 0) zero(zero);
  if (steps > 0) steps(steps);
  client.close();
}

void steps(int steps) throws Exception {
  load("step", LOW_RPS, Duration.ofMinutes(60));
  var raised = new ArrayList<Long>();
  var ready = new ArrayList<Long>();
  for (int i = 1; i <= steps; i++) {
    await(
        "step at " + FLOOR + " Ready replicas",
        Duration.ofMinutes(5),
        "step",
        d -> replicas(d) == FLOOR && ready(d) == FLOOR);
    // Settle, then a random part of the HPA's 15 s sync period: steps that repeat at a fixed
    // period would otherwise lock onto one phase of it and measure that phase only.
    Thread.sleep(5_000 + RANDOM.nextInt(15_000));
    long start = System.nanoTime();
    var step = load("step", HIGH_RPS - LOW_RPS, STEP_LOAD);
    long up = await("replicas raised", Duration.ofMinutes(2), "step", d -> replicas(d) > FLOOR);
    long all =
        await(
            "all new replicas Ready",
            Duration.ofMinutes(3),
            "step",
            d -> replicas(d) >= RAISED && ready(d) >= replicas(d));
    raised.add(up - start);
    ready.add(all - start);
    System.out.printf(
        "step %2d: raised %6d ms, all Ready %6d ms%n", i, ms(up - start), ms(all - start));
    step.join();
  }
  summary("load step: replicas raised", raised);
  summary("load step: all new replicas Ready", ready);
}

void zero(int trials) throws Exception {
  var latencies = new ArrayList<Long>();
  var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  for (int i = 1; i <= trials; i++) {
    await(
        "cold at 0 replicas",
        Duration.ofMinutes(5),
        "cold",
        d -> replicas(d) == 0 && ready(d) == 0);
    Thread.sleep(2_000);
    var request =
        HttpRequest.newBuilder(
                URI.create(router + "/workloads/" + NAMESPACE + "/cold/v1/completions"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(90))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"cold\",\"prompt\":\"hi\"}"))
            .build();
    long start = System.nanoTime();
    var response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long took = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "trial " + i + ": HTTP " + response.statusCode() + " " + response.body());
    }
    latencies.add(took);
    System.out.printf("zero %2d: first response %6d ms%n", i, ms(took));
  }
  summary("zero -> first response (incl. 500 ms service)", latencies);
}

CompletableFuture<Void> load(String workload, int rps, Duration duration) {
  var target = URI.create(router + "/workloads/" + NAMESPACE + "/" + workload + "/v1/completions");
  var settings =
      new LoadGenerator.Settings(
          "{\"model\":\"" + workload + "\",\"prompt\":\"bench\",\"max_tokens\":16}",
          rps,
          duration,
          2000,
          Optional.of(token));
  return CompletableFuture.runAsync(
      () -> {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          LoadGenerator.run(http, target, settings, second -> {});
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      },
      Thread::startVirtualThread);
}

/** Polls the Deployment until {@code done} holds; the time it first held (System.nanoTime()). */
long await(String what, Duration timeout, String name, Predicate<Deployment> done)
    throws Exception {
  long deadline = System.nanoTime() + timeout.toNanos();
  while (System.nanoTime() < deadline) {
    var deployment = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    long at = System.nanoTime();
    if (deployment != null && done.test(deployment)) return at;
    Thread.sleep(100);
  }
  throw new IllegalStateException("timed out waiting for " + what);
}

static int replicas(Deployment d) {
  return d.getSpec().getReplicas() == null ? 0 : d.getSpec().getReplicas();
}

static int ready(Deployment d) {
  return d.getStatus() == null || d.getStatus().getReadyReplicas() == null
      ? 0
      : d.getStatus().getReadyReplicas();
}

static long ms(long nanos) {
  return nanos / 1_000_000;
}

static void summary(String what, List<Long> nanos) {
  var sorted = nanos.stream().sorted().toList();
  long p50 = sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
  long p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
  System.out.printf(
      "%-48s n=%d  p50 %6d ms  p99 %6d ms  max %6d ms%n",
      what, sorted.size(), ms(p50), ms(p99), ms(sorted.getLast()));
}

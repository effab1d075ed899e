// Autoscaling (issue 13, "Numbers"): run with bench/autoscaling/run.sh, which starts the local
// cluster with KEDA, the operator, the router (and its push scaler) and the stand-in model servers,
// and applies the Environment, the tier and the Workloads this measures.
//
// steps  STEPS load steps on Workload `step` (stand-ins of 8 requests/s each: 4 slots, 500 ms):
//        steady at LOW requests/s (what 2 replicas serve), then HIGH (what 6 serve) until 6
//        replicas are Ready (at most STEP_LIMIT: demand that stays until it is served, as a real
//        step does). From the step's first request: the Deployment's replicas raised (the watch
//        event), and every new replica Ready; p50 / p99 / max, over the steps served within the
//        limit, and how many were not. Between steps the load drops back and the Workload returns
//        to 2 replicas.
// anchor ANCHOR load steps on Workload `step` in namespace `anchor`, whose Environment has no KEDA:
//        the same step through a plain HPA on cpu, at the HPA's default scale-up behaviour, fed by
//        metrics-server from the usage KWOK reports (each stand-in writes its busy share of the
//        pod's CPU request once a second). The tier's cpu target is 25 %, so 2 replicas serve
//        ANCHOR_LOW (4/s) at the target and 6 serve ANCHOR_HIGH (12/s); 12/s keeps 2 replicas 75 %
//        busy, below saturation, so one HPA read sees the whole step.
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

static final String NAMESPACE = "bench";
static final String ANCHOR_NAMESPACE = "anchor";
static final int FLOOR = 2;
static final int RAISED = 6;
static final Random RANDOM = new Random();

/** How long a step's demand may wait for 6 Ready replicas before the step counts as not served. */
static final Duration STEP_LIMIT = Duration.ofMinutes(3);

/** One series of load steps: LOW requests/s steady, then HIGH, on Workload `step` of namespace. */
record StepSeries(String label, String namespace, int low, int high) {}

/** KEDA on requestsWaiting: 2 replicas serve 16/s, 6 serve 48/s. */
static final StepSeries KEDA_STEPS =
    new StepSeries(
        "load step", NAMESPACE, Integer.getInteger("low", 16), Integer.getInteger("high", 48));

/** A plain HPA on cpu at 25 %: 2 replicas serve 4/s at the target, 6 serve 12/s. */
static final StepSeries ANCHOR_STEPS =
    new StepSeries(
        "anchor (HPA on cpu)",
        ANCHOR_NAMESPACE,
        Integer.getInteger("anchorLow", 4),
        Integer.getInteger("anchorHigh", 12));

KubernetesClient client;
String router;

/** A token of each namespace's load ServiceAccount, allowed workloads/proxy there. */
final Map<String, String> tokens = new HashMap<>();

void main() throws Exception {
  client = new KubernetesClientBuilder().build();
  Path home = Path.of(System.getenv("BOSUN_DEV_HOME"));
  router = Files.readString(home.resolve("router-url")).strip();
  int steps = Integer.getInteger("steps", 20);
  int zero = Integer.getInteger("zero", 10);
  int anchor = Integer.getInteger("anchor", 0);
  // Zero first: the steps leave a steady load running until the process ends.
  if (zero > 0) zero(zero);
  if (steps > 0) steps(KEDA_STEPS, steps);
  if (anchor > 0) steps(ANCHOR_STEPS, anchor);
  client.close();
}

String token(String namespace) {
  return tokens.computeIfAbsent(
      namespace,
      ns ->
          client
              .serviceAccounts()
              .inNamespace(ns)
              .withName("bosun-dev-load")
              .tokenRequest(
                  new TokenRequestBuilder()
                      .withNewSpec()
                      .withExpirationSeconds(7200L)
                      .endSpec()
                      .build())
              .getStatus()
              .getToken());
}

void steps(StepSeries series, int steps) throws Exception {
  String ns = series.namespace();
  var steady = load(ns, "step", series.low(), Duration.ofMinutes(60));
  var raised = new ArrayList<Long>();
  var ready = new ArrayList<Long>();
  int notServed = 0;
  for (int i = 1; i <= steps; i++) {
    await(
        "step at " + FLOOR + " Ready replicas",
        Duration.ofMinutes(5),
        ns,
        "step",
        d -> replicas(d) == FLOOR && ready(d) == FLOOR);
    // Settle, then a random part of the HPA's 15 s sync period: steps that repeat at a fixed
    // period would otherwise lock onto one phase of it and measure that phase only.
    Thread.sleep(5_000 + RANDOM.nextInt(15_000));
    long start = System.nanoTime();
    var step = load(ns, "step", series.high() - series.low(), STEP_LIMIT);
    try {
      long deadline = start + STEP_LIMIT.toNanos();
      var up = awaitUntil(deadline, ns, "step", d -> replicas(d) > FLOOR);
      var all =
          up.isEmpty()
              ? up
              : awaitUntil(
                  deadline, ns, "step", d -> replicas(d) >= RAISED && ready(d) >= replicas(d));
      if (all.isEmpty()) {
        notServed++;
        System.out.printf(
            "%s %2d: not served within %d s (raised %s)%n",
            series.label(),
            i,
            STEP_LIMIT.toSeconds(),
            up.map(at -> ms(at - start) + " ms").orElse("never"));
        continue;
      }
      raised.add(up.get() - start);
      ready.add(all.get() - start);
      System.out.printf(
          "%s %2d: raised %6d ms, all Ready %6d ms%n",
          series.label(), i, ms(up.get() - start), ms(all.get() - start));
    } finally {
      step.interrupt();
      step.join();
    }
  }
  System.out.printf(
      "%s: %d of %d steps served within %d s%n",
      series.label(), steps - notServed, steps, STEP_LIMIT.toSeconds());
  summary(series.label() + ": replicas raised", raised);
  summary(series.label() + ": all new replicas Ready", ready);
  // The next series measures its own Workload, without this one's load beside it.
  steady.interrupt();
}

void zero(int trials) throws Exception {
  var latencies = new ArrayList<Long>();
  var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  for (int i = 1; i <= trials; i++) {
    await(
        "cold at 0 replicas",
        Duration.ofMinutes(5),
        NAMESPACE,
        "cold",
        d -> replicas(d) == 0 && ready(d) == 0);
    Thread.sleep(2_000);
    var request =
        HttpRequest.newBuilder(
                URI.create(router + "/workloads/" + NAMESPACE + "/cold/v1/completions"))
            .header("Authorization", "Bearer " + token(NAMESPACE))
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

/** Sends the load on a virtual thread until {@code duration} ends or the thread is interrupted. */
Thread load(String namespace, String workload, int rps, Duration duration) {
  var target = URI.create(router + "/workloads/" + namespace + "/" + workload + "/v1/completions");
  var settings =
      new LoadGenerator.Settings(
          "{\"model\":\"" + workload + "\",\"prompt\":\"bench\",\"max_tokens\":16}",
          rps,
          duration,
          2000,
          Optional.of(token(namespace)));
  return Thread.startVirtualThread(
      () -> {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          LoadGenerator.run(http, target, settings, second -> {});
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
}

/** Polls the Deployment until {@code done} holds; the time it first held (System.nanoTime()). */
long await(String what, Duration timeout, String namespace, String name, Predicate<Deployment> done)
    throws Exception {
  return awaitUntil(System.nanoTime() + timeout.toNanos(), namespace, name, done)
      .orElseThrow(() -> new IllegalStateException("timed out waiting for " + what));
}

/** As {@link #await}, empty when {@code deadline} (System.nanoTime()) passes first. */
Optional<Long> awaitUntil(long deadline, String namespace, String name, Predicate<Deployment> done)
    throws Exception {
  while (System.nanoTime() < deadline) {
    var deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    long at = System.nanoTime();
    if (deployment != null && done.test(deployment)) return Optional.of(at);
    Thread.sleep(100);
  }
  return Optional.empty();
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
  if (nanos.isEmpty()) {
    System.out.printf("%-48s n=0%n", what);
    return;
  }
  var sorted = nanos.stream().sorted().toList();
  long p50 = sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
  long p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
  System.out.printf(
      "%-48s n=%d  p50 %6d ms  p99 %6d ms  max %6d ms%n",
      what, sorted.size(), ms(p50), ms(p99), ms(sorted.getLast()));
}

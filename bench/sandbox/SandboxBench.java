// Sandbox warm pools and claims (issue 12, "Numbers"): run with bench/sandbox/run.sh, which starts
// the local cluster and the operator (a process of its own, as `bosun dev operator` runs it) and
// then runs this against them.
//
// -Dmode=claims (the default):
//   sequential  CLAIMS claims one after the other against a warm pool: create -> the watch event
//               that shows the claim Ready, p50 / p99 / max (claims that found the pool empty and
//               started cold are counted apart); with -Dsettled=true each claim waits until the
//               pool has refilled after the one before and the operator's queues are empty, so
//               that it is timed alone, not beside the previous claims' refills;
//   burst       BURST claims at once against a full pool of BURST: time until all are Ready, rate;
//   cold        COLD claims with no pool: create -> Ready, p50 / p99 / max.
// -Dmode=heap: SANDBOXES Sandboxes (Suspended, so no pods); once the operator's reconciliation
//   queues are empty, its live heap after a full GC and its CPU over a minute in which nothing
//   changes.

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimSpec;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateSpec;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.SandboxWarmPoolSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.KubeClients;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

static final String TEMPLATE = "agent";

/** Where run.sh starts the operator's /metrics. */
static final int OPERATOR_HTTP_PORT = Integer.getInteger("operatorHttpPort", 18092);

static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(30);
static final Duration FILL_TIMEOUT = Duration.ofMinutes(10);

/** When this process first saw each claim Ready (System.nanoTime()), by namespace/name. */
static final Map<String, CompletableFuture<Long>> readySeen = new ConcurrentHashMap<>();

/** The source each claim was bound from, by namespace/name. */
static final Map<String, String> sources = new ConcurrentHashMap<>();

void main() throws Exception {
  String devHome = System.getenv("BOSUN_DEV_HOME");
  if (devHome == null) {
    throw new IllegalStateException("run it with bench/sandbox/run.sh, which sets BOSUN_DEV_HOME");
  }
  Path home = Path.of(devHome);
  long operatorPid = new BackgroundProcesses(home).running("operator").orElseThrow().pid();
  IO.println(
      "machine: %d cores, %s; operator pid %d"
          .formatted(
              Runtime.getRuntime().availableProcessors(),
              Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                  .filter(l -> l.startsWith("model name"))
                  .findFirst()
                  .orElse("?"),
              operatorPid));
  try (KubernetesClient client = KubeClients.forKubeconfig(home.resolve("kubeconfig"))) {
    client.resources(SandboxClaim.class).inAnyNamespace().inform(new ClaimHandler());
    if ("heap".equals(System.getProperty("mode", "claims"))) {
      heap(client, operatorPid, Integer.getInteger("sandboxes", 10_000));
    } else {
      // A phase of 0 is skipped. Each phase's namespace goes when it is done: the local cluster's
      // nodes hold 110 pods each, and a phase's sandboxes would leave the next no room.
      int claims = Integer.getInteger("claims", 500);
      int burst = Integer.getInteger("burst", 300);
      int cold = Integer.getInteger("cold", 50);
      if (claims > 0) {
        sequential(client, claims);
        tearDown(client, "sandbox-bench-seq");
      }
      if (burst > 0) {
        burst(client, burst);
        tearDown(client, "sandbox-bench-burst");
      }
      if (cold > 0) {
        cold(client, cold);
      }
      IO.println("operator heap after the claims: " + heapAfterGc(operatorPid));
    }
  }
  System.exit(0);
}

void sequential(KubernetesClient client, int claims) throws Exception {
  int replicas = Math.min(claims, 50);
  String ns = setUp(client, "sandbox-bench-seq", replicas);
  boolean settled = Boolean.getBoolean("settled");
  int waitFor = settled ? replicas : 1;
  List<Long> warm = new ArrayList<>(), notWarm = new ArrayList<>();
  int timedOut = 0;
  for (int i = 0; i < claims; i++) {
    awaitPool(
        client,
        ns,
        p -> p.getStatus() != null && nonNull(p.getStatus().readyReplicas()) >= waitFor,
        Duration.ofMillis(settled ? 20 : 2));
    while (settled && queued() > 0) {
      Thread.sleep(20);
    }
    String name = "c-" + i;
    var seen = expect(ns, name);
    long start = System.nanoTime();
    client.resource(claim(ns, name, true)).create();
    try {
      long latency = seen.get(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) - start;
      (Sandboxes.SOURCE_WARM_POOL.equals(sources.get(ns + "/" + name)) ? warm : notWarm)
          .add(latency);
    } catch (TimeoutException e) {
      timedOut++;
    }
  }
  IO.println(
      "sequential%s: %s"
          .formatted(
              settled ? " (each after the pool refilled)" : "",
              stats("warm claim -> Ready", warm)));
  IO.println(
      "sequential: %d found the pool empty and started cold%s, %d not Ready within %s"
          .formatted(
              notWarm.size(),
              notWarm.isEmpty() ? "" : " (" + stats("", notWarm) + ")",
              timedOut,
              CLAIM_TIMEOUT));
}

void burst(KubernetesClient client, int claims) throws Exception {
  long fillStart = System.nanoTime();
  String ns = setUp(client, "sandbox-bench-burst", claims);
  IO.println(
      "burst: pool of %d full in %.1f s".formatted(claims, (System.nanoTime() - fillStart) / 1e9));
  List<CompletableFuture<Long>> seen = new ArrayList<>();
  for (int i = 0; i < claims; i++) {
    seen.add(expect(ns, "b-" + i));
  }
  long start = System.nanoTime();
  try (var pool = Executors.newFixedThreadPool(32)) {
    IntStream.range(0, claims)
        .forEach(i -> pool.submit(() -> client.resource(claim(ns, "b-" + i, true)).create()));
  }
  long created = System.nanoTime();
  long last = 0;
  int timedOut = 0;
  List<Long> latencies = new ArrayList<>();
  for (var future : seen) {
    try {
      long at = future.get(FILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      last = Math.max(last, at);
      latencies.add(at - start);
    } catch (TimeoutException e) {
      timedOut++;
    }
  }
  long warm =
      IntStream.range(0, claims)
          .filter(i -> Sandboxes.SOURCE_WARM_POOL.equals(sources.get(ns + "/b-" + i)))
          .count();
  double seconds = (last - start) / 1e9;
  IO.println(
      "burst: %d claims created in %.2f s; all Ready %.2f s after the first create: %.0f claims/s; %d from the pool, %d not Ready within %s"
          .formatted(
              claims,
              (created - start) / 1e9,
              seconds,
              latencies.size() / seconds,
              warm,
              timedOut,
              FILL_TIMEOUT));
  IO.println("burst: " + stats("claim -> Ready", latencies));
}

void cold(KubernetesClient client, int claims) throws Exception {
  String ns = setUp(client, "sandbox-bench-cold", 0);
  List<Long> latencies = new ArrayList<>();
  int timedOut = 0;
  for (int i = 0; i < claims; i++) {
    String name = "cold-" + i;
    var seen = expect(ns, name);
    long start = System.nanoTime();
    client.resource(claim(ns, name, false)).create();
    try {
      latencies.add(seen.get(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) - start);
    } catch (TimeoutException e) {
      timedOut++;
    }
  }
  IO.println("cold: " + stats("cold claim -> Ready", latencies) + ", " + timedOut + " timed out");
}

void heap(KubernetesClient client, long operatorPid, int sandboxes) throws Exception {
  String ns = setUp(client, "sandbox-bench-heap", 0);
  long start = System.nanoTime();
  try (var pool = Executors.newFixedThreadPool(32)) {
    IntStream.range(0, sandboxes)
        .forEach(
            i ->
                pool.submit(
                    () -> {
                      var sandbox = new Sandbox();
                      sandbox.setMetadata(
                          new ObjectMetaBuilder().withName("s-" + i).withNamespace(ns).build());
                      sandbox.setSpec(
                          new SandboxSpec(
                              new ObjectName(TEMPLATE), OperatingMode.Suspended, null, null));
                      return client.resource(sandbox).create();
                    }));
  }
  IO.println(
      "heap: %d Sandboxes created in %.1f s"
          .formatted(sandboxes, (System.nanoTime() - start) / 1e9));
  // The operator finishes with them (services, volume claims, statuses) before anything is
  // measured: until its reconciliation queues are empty.
  long settling = System.nanoTime();
  Duration settleAtMost = Duration.ofMinutes(Integer.getInteger("settleMinutes", 15));
  double left;
  while ((left = queued()) > 0 && System.nanoTime() - settling < settleAtMost.toNanos()) {
    Thread.sleep(5000);
  }
  IO.println(
      "heap: %s %.0f s later"
          .formatted(
              left == 0 ? "the operator's queues empty" : "still " + (long) left + " queued",
              (System.nanoTime() - settling) / 1e9));
  IO.println("heap: operator live heap " + heapAfterGc(operatorPid));
  double before = cpuSeconds(operatorPid);
  Thread.sleep(Duration.ofSeconds(60).toMillis());
  IO.println(
      "heap: operator CPU while nothing changes %.1f%% of one core (over 60 s)"
          .formatted(100 * (cpuSeconds(operatorPid) - before) / 60));
}

/** A namespace with the template and, when {@code replicas} > 0, a full pool of that size. */
String setUp(KubernetesClient client, String ns, int replicas) throws Exception {
  client
      .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
      .create();
  var template = new SandboxTemplate();
  template.setMetadata(new ObjectMetaBuilder().withName(TEMPLATE).withNamespace(ns).build());
  template.setSpec(
      new SandboxTemplateSpec(
          "cpu-s", "ghcr.io/example/agent:1.0", null, null, null, null, null, null, null));
  client.resource(template).create();
  if (replicas > 0) {
    var pool = new SandboxWarmPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("pool").withNamespace(ns).build());
    pool.setSpec(new SandboxWarmPoolSpec(replicas, new ObjectName(TEMPLATE)));
    client.resource(pool).create();
    awaitPool(
        client,
        ns,
        p -> p.getStatus() != null && nonNull(p.getStatus().readyReplicas()) == replicas,
        Duration.ofMillis(500));
  }
  return ns;
}

/** Polls the pool: every {@code poll} while claims wait on it, less often while it fills. */
void awaitPool(KubernetesClient client, String ns, Predicate<SandboxWarmPool> done, Duration poll)
    throws InterruptedException {
  long deadline = System.nanoTime() + FILL_TIMEOUT.toNanos();
  while (!done.test(
      client.resources(SandboxWarmPool.class).inNamespace(ns).withName("pool").get())) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          "the pool in " + ns + " did not get there within " + FILL_TIMEOUT);
    }
    Thread.sleep(poll.toMillis());
  }
}

/** Deletes a phase's namespace and waits until its pods are gone. */
void tearDown(KubernetesClient client, String ns) throws InterruptedException {
  client.namespaces().withName(ns).delete();
  long deadline = System.nanoTime() + FILL_TIMEOUT.toNanos();
  while (!client.pods().inNamespace(ns).list().getItems().isEmpty()
      && System.nanoTime() < deadline) {
    Thread.sleep(1000);
  }
}

/** What the operator's reconciliation queues hold, from its /metrics. */
static double queued() throws Exception {
  var request =
      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + OPERATOR_HTTP_PORT + "/metrics"))
          .build();
  try (var http = HttpClient.newHttpClient()) {
    return http.send(request, HttpResponse.BodyHandlers.ofString())
        .body()
        .lines()
        .filter(l -> l.startsWith("operator_sdk_reconciliations_queue_size"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}

static int nonNull(Integer value) {
  return value == null ? 0 : value;
}

static SandboxClaim claim(String ns, String name, boolean fromPool) {
  var claim = new SandboxClaim();
  claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
  claim.setSpec(
      new SandboxClaimSpec(
          new ObjectName(TEMPLATE), fromPool ? new ObjectName("pool") : null, null, null));
  return claim;
}

static CompletableFuture<Long> expect(String ns, String name) {
  return readySeen.computeIfAbsent(ns + "/" + name, k -> new CompletableFuture<>());
}

/** Records when each claim is first seen Ready, and how it was bound. */
static final class ClaimHandler implements ResourceEventHandler<SandboxClaim> {
  @Override
  public void onAdd(SandboxClaim claim) {
    seen(claim);
  }

  @Override
  public void onUpdate(SandboxClaim before, SandboxClaim now) {
    seen(now);
  }

  @Override
  public void onDelete(SandboxClaim claim, boolean unknown) {}

  private static void seen(SandboxClaim claim) {
    long now = System.nanoTime();
    var status = claim.getStatus();
    if (status == null || status.conditions() == null) {
      return;
    }
    boolean ready =
        status.conditions().stream()
            .anyMatch(c -> ConditionTypes.READY.equals(c.type()) && "True".equals(c.status()));
    if (ready) {
      String key = claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
      sources.put(key, String.valueOf(status.source()));
      expect(claim.getMetadata().getNamespace(), claim.getMetadata().getName()).complete(now);
    }
  }
}

static String stats(String label, List<Long> nanos) {
  if (nanos.isEmpty()) return label + " no samples";
  List<Long> sorted = nanos.stream().sorted().toList();
  return "%s p50 %.1f ms   p99 %.1f ms   max %.1f ms   (%d samples)"
      .formatted(
          label,
          sorted.get(sorted.size() / 2) / 1e6,
          sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6,
          sorted.getLast() / 1e6,
          sorted.size());
}

static double cpuSeconds(long pid) throws Exception {
  String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
  String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // USER_HZ
}

/** The operator's live heap: every space jcmd lists, right after a full GC. */
static String heapAfterGc(long pid) throws Exception {
  String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
  new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
      .redirectErrorStream(true)
      .start()
      .waitFor();
  var info =
      new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info")
          .redirectErrorStream(true)
          .start();
  String out = new String(info.getInputStream().readAllBytes());
  info.waitFor();
  var used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(out);
  long kib = 0;
  while (used.find()) {
    kib += Long.parseLong(used.group(1));
  }
  return kib == 0 ? "unknown" : (kib / 1024) + " MiB";
}

// GPU remediation latency (issue 11, "Numbers"): run with bench/remediation/run.sh, which starts
// the local cluster, the operator and the simulated node agents as `bosun dev` does, each in a
// process of its own, and then runs this against them.
//
// An Inference Workload of one GPU per pod is deployed through the operator; then, one at a time,
// an Xid 95 (uncontained ECC error: reset the GPU) is written into the simulated kernel log of a
// GPU that serves one of its pods, through the same files `bosun dev fault` writes. From the
// moment before the write, this measures until this process sees, through watches:
//   gate      the pod's readiness gate bosun.dev/gpu-healthy False
//   endpoint  the pod's endpoint not ready (or gone) in its Service's EndpointSlice
//   taint     a DeviceTaintRule selecting the GPU
//   report    the agent's GpuNodeHealth calling the GPU Unhealthy (what the operator acts on)
// and then clears the fault (a GPU reset) and leaves the GPU until it is back in service. Prints
// p50 / p99 / max of each, and the operator's and the agents' CPU and heap.
//
// By default the next fault goes to another GPU as soon as every step of this one is seen, while
// the GPUs faulted before recover (a storm of several faults a second, each with its recovery: on a
// 2-core machine the API server is then busy all the time). With -Dsettled=true the next fault
// waits until this GPU is back in service: each remediation is timed alone.

import dev.bosun.agent.SimulatedFault;
import dev.bosun.agent.SimulatedNodeFiles;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.KubeClients;
import dev.bosun.scaler.Exposition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

static final String NAMESPACE = "remediation-bench";
static final String WORKLOAD = "served";
static final String GATE = "bosun.dev/gpu-healthy";
static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

/** Where run.sh starts the operator's /metrics. */
static final int OPERATOR_HTTP_PORT = Integer.getInteger("operatorHttpPort", 18090);

static final String RECONCILIATIONS = "operator_sdk_reconciliations_started_total";

/** When this process first saw each step for a pod or a device, in System.nanoTime(). */
static final Map<String, Long> gateFalse = new ConcurrentHashMap<>();

static final Map<String, Long> endpointNotReady = new ConcurrentHashMap<>();
static final Map<String, Long> taintedDevices = new ConcurrentHashMap<>();
static final Map<String, Long> reportedUnhealthy = new ConcurrentHashMap<>();
static final Map<String, Boolean> gateTrue = new ConcurrentHashMap<>();

record Target(String pod, String node, int gpu) {
  String device() {
    return node + "/gpu-" + gpu;
  }
}

void main(String[] args) throws Exception {
  int faults = Integer.getInteger("faults", 200);
  int pods = Integer.getInteger("pods", 32);
  boolean settled = Boolean.getBoolean("settled");
  String devHome = System.getenv("BOSUN_DEV_HOME");
  if (devHome == null) {
    throw new IllegalStateException(
        "run it with bench/remediation/run.sh, which sets BOSUN_DEV_HOME");
  }
  Path home = Path.of(devHome);
  Path agents = home.resolve("agents");
  try (KubernetesClient client = KubeClients.forKubeconfig(home.resolve("kubeconfig"))) {
    deploy(client, pods);
    watch(client);
    List<Target> targets = awaitServing(client, pods);
    IO.println(
        "serving: %d pods on %d GPUs of %d nodes"
            .formatted(
                targets.size(),
                targets.size(),
                targets.stream().map(Target::node).distinct().count()));
    var processes = new BackgroundProcesses(home);
    long operatorPid = processes.running("operator").orElseThrow().pid();
    long agentsPid = processes.running("agents").orElseThrow().pid();
    var idle = Usage.over(Duration.ofSeconds(30), operatorPid, agentsPid);
    IO.println("idle: " + idle);

    List<Long> report = new ArrayList<>(), gate = new ArrayList<>();
    List<Long> endpoint = new ArrayList<>(), taint = new ArrayList<>();
    List<Long> reportToGate = new ArrayList<>(), reportToTaint = new ArrayList<>();
    int timedOut = 0;
    var cpuBefore = Usage.cpuSeconds(operatorPid, agentsPid);
    Map<String, Double> reconciledBefore = Usage.reconciliations();
    long began = System.nanoTime();
    var recovering = new HashMap<String, Long>(); // device -> when its fault was cleared
    for (int i = 0; i < faults; i++) {
      Target target = nextTarget(targets, recovering);
      SimulatedNodeFiles node = SimulatedNodeFiles.find(agents, target.node()).orElseThrow();
      long start = System.nanoTime();
      node.inject(target.gpu(), new SimulatedFault.Xid(95), Clock.systemUTC());
      Optional<long[]> seen = awaitSteps(target, start);
      if (seen.isEmpty()) {
        timedOut++;
        IO.println(
            "fault %d on %s (%s): not all steps within %s: gate=%s endpoint=%s taint=%s report=%s"
                .formatted(
                    i,
                    target.device(),
                    target.pod(),
                    STEP_TIMEOUT,
                    gateFalse.containsKey(target.pod()),
                    endpointNotReady.containsKey(target.pod()),
                    taintedDevices.containsKey(target.device()),
                    reportedUnhealthy.containsKey(target.device())));
      } else {
        gate.add(seen.get()[0]);
        endpoint.add(seen.get()[1]);
        taint.add(seen.get()[2]);
        report.add(seen.get()[3]);
        reportToGate.add(seen.get()[0] - seen.get()[3]);
        reportToTaint.add(seen.get()[2] - seen.get()[3]);
      }
      node.inject(target.gpu(), new SimulatedFault.Clear(), Clock.systemUTC());
      recovering.put(target.device(), System.nanoTime());
      if (settled) {
        awaitInService(target);
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    var cpuAfter = Usage.cpuSeconds(operatorPid, agentsPid);
    Map<String, Double> reconciledAfter = Usage.reconciliations();
    IO.println(
        "faults: %d in %.0f s, %d timed out%s"
            .formatted(
                faults,
                seconds,
                timedOut,
                settled ? ", each once the GPU before was back in service" : ", back to back"));
    IO.println(stats("fault -> agent's report        ", report));
    IO.println(stats("fault -> pod gate False        ", gate));
    IO.println(stats("fault -> endpoint not ready    ", endpoint));
    IO.println(stats("fault -> DeviceTaintRule       ", taint));
    // The operator's part: from the report this process saw to what the operator did about it.
    IO.println(stats("report -> pod gate False       ", reportToGate));
    IO.println(stats("report -> DeviceTaintRule      ", reportToTaint));
    IO.println(
        "under faults: operator %.1f%% CPU, agents %.1f%% CPU (of one core)"
            .formatted(
                100 * (cpuAfter[0] - cpuBefore[0]) / seconds,
                100 * (cpuAfter[1] - cpuBefore[1]) / seconds));
    IO.println(
        "operator reconciliations a fault, by primary kind: "
            + reconciledAfter.entrySet().stream()
                .map(
                    e ->
                        "%s %.1f"
                            .formatted(
                                e.getKey(),
                                (e.getValue() - reconciledBefore.getOrDefault(e.getKey(), 0.0))
                                    / faults))
                .sorted()
                .collect(Collectors.joining(", ")));
    IO.println(
        "heap after GC: operator %s, agents %s"
            .formatted(Usage.heapAfterGc(operatorPid), Usage.heapAfterGc(agentsPid)));
  }
}

/** One GPU pod per replica, a fixed count: nothing scales it during the run. */
void deploy(KubernetesClient client, int pods) {
  client
      .resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
      .serverSideApply();
  client
      .load(
          new ByteArrayInputStream(
              """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata: {name: %s, namespace: %s}
      spec:
        type: Inference
        image: registry.example.com/bench/served@sha256:31e06f7d89feb99a0e6c0affe198748c3bb5bef5e3cc92d95cb9e996197d3fc3
        size: gpu-m
        port: 8000
        replicas: {min: %d, max: %d}
        health: {path: /healthz}
      """
                  .formatted(WORKLOAD, NAMESPACE, pods, pods)
                  .getBytes(StandardCharsets.UTF_8)))
      .serverSideApply();
}

void watch(KubernetesClient client) {
  client
      .pods()
      .inNamespace(NAMESPACE)
      .inform(
          new Handler<Pod>(
              pod -> {
                String name = pod.getMetadata().getName();
                var gate =
                    pod.getStatus() == null || pod.getStatus().getConditions() == null
                        ? null
                        : pod.getStatus().getConditions().stream()
                            .filter(c -> GATE.equals(c.getType()))
                            .findFirst()
                            .orElse(null);
                if (gate == null) return;
                if ("False".equals(gate.getStatus())) {
                  gateFalse.putIfAbsent(name, System.nanoTime());
                  gateTrue.put(name, false);
                } else if ("True".equals(gate.getStatus())) {
                  gateTrue.put(name, true);
                }
              }));
  client
      .discovery()
      .v1()
      .endpointSlices()
      .inNamespace(NAMESPACE)
      .inform(
          new Handler<EndpointSlice>(
              slice -> {
                Map<String, Boolean> ready = new HashMap<>();
                for (var endpoint :
                    slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
                  if (endpoint.getTargetRef() != null) {
                    ready.put(
                        endpoint.getTargetRef().getName(),
                        endpoint.getConditions() != null
                            && Boolean.TRUE.equals(endpoint.getConditions().getReady()));
                  }
                }
                long now = System.nanoTime();
                // A pod the bench has faulted that is not ready, or no longer listed, is out of the
                // Service.
                for (String pod : gateTrue.keySet()) {
                  if (!Boolean.TRUE.equals(ready.get(pod))) endpointNotReady.putIfAbsent(pod, now);
                  else endpointNotReady.remove(pod);
                }
              }));
  // The agent's report: which GPUs of a node it calls Unhealthy.
  client
      .resources(GpuNodeHealth.class)
      .inform(
          new Handler<GpuNodeHealth>(
              health -> {
                if (health.getStatus() == null || health.getStatus().gpus() == null) return;
                long now = System.nanoTime();
                for (var gpu : health.getStatus().gpus()) {
                  String device = health.getMetadata().getName() + "/gpu-" + gpu.index();
                  if (gpu.health() == GpuHealthStatus.Unhealthy) {
                    reportedUnhealthy.putIfAbsent(device, now);
                  } else {
                    reportedUnhealthy.remove(device);
                  }
                }
              }));
  client
      .genericKubernetesResources("resource.k8s.io/v1beta2", "DeviceTaintRule")
      .inform(
          new ResourceEventHandler<GenericKubernetesResource>() {
            @Override
            public void onAdd(GenericKubernetesResource rule) {
              taintedDevices.putIfAbsent(key(rule), System.nanoTime());
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource rule) {
              onAdd(rule);
            }

            @Override
            public void onDelete(GenericKubernetesResource rule, boolean unknown) {
              taintedDevices.remove(key(rule));
            }
          });
}

static String key(GenericKubernetesResource rule) {
  Map<String, Object> selector = rule.get("spec", "deviceSelector");
  return selector.get("pool") + "/" + selector.get("device");
}

record Handler<T>(Consumer<T> seen) implements ResourceEventHandler<T> {
  @Override
  public void onAdd(T item) {
    seen.accept(item);
  }

  @Override
  public void onUpdate(T before, T item) {
    seen.accept(item);
  }

  @Override
  public void onDelete(T item, boolean unknown) {}
}

/** The Workload's pods once every one is placed, holds its GPU and is served. */
List<Target> awaitServing(KubernetesClient client, int pods) throws InterruptedException {
  long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
  while (System.nanoTime() < deadline) {
    List<Target> targets = new ArrayList<>();
    for (Pod pod : client.pods().inNamespace(NAMESPACE).list().getItems()) {
      if (!Boolean.TRUE.equals(gateTrue.get(pod.getMetadata().getName()))) continue;
      var statuses = pod.getStatus().getResourceClaimStatuses();
      if (statuses == null || statuses.isEmpty()) continue;
      ResourceClaim claim =
          client
              .resources(ResourceClaim.class)
              .inNamespace(NAMESPACE)
              .withName(statuses.getFirst().getResourceClaimName())
              .get();
      if (claim == null || claim.getStatus() == null || claim.getStatus().getAllocation() == null)
        continue;
      var result = claim.getStatus().getAllocation().getDevices().getResults().getFirst();
      targets.add(
          new Target(
              pod.getMetadata().getName(),
              result.getPool(),
              Integer.parseInt(result.getDevice().substring("gpu-".length()))));
    }
    if (targets.size() == pods) return targets;
    Thread.sleep(500);
  }
  throw new IllegalStateException(
      "the Workload's " + pods + " pods are not all served after 3 minutes");
}

/**
 * Whether the target's GPU serves again: gate True, endpoint ready, untainted, reported healthy.
 */
static boolean inService(Target t) {
  return Boolean.TRUE.equals(gateTrue.get(t.pod()))
      && !taintedDevices.containsKey(t.device())
      && !reportedUnhealthy.containsKey(t.device())
      && !endpointNotReady.containsKey(t.pod());
}

void awaitInService(Target target) throws InterruptedException {
  long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
  while (!inService(target)) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(target.device() + " not back in service within 2 minutes");
    }
    Thread.sleep(10);
  }
}

/** A served pod whose GPU is back in service and has been for a while. */
Target nextTarget(List<Target> targets, Map<String, Long> recovering) throws InterruptedException {
  long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
  List<Target> shuffled = new ArrayList<>(targets);
  while (System.nanoTime() < deadline) {
    Collections.shuffle(shuffled);
    for (Target t : shuffled) {
      if (inService(t)) {
        gateFalse.remove(t.pod());
        return t;
      }
    }
    Thread.sleep(50);
  }
  throw new IllegalStateException("no GPU came back into service within 2 minutes: " + recovering);
}

/** Nanoseconds from start to each step (gate, endpoint, taint, report), once all are seen. */
Optional<long[]> awaitSteps(Target target, long start) throws InterruptedException {
  long deadline = start + STEP_TIMEOUT.toNanos();
  while (System.nanoTime() < deadline) {
    Long gate = gateFalse.get(target.pod());
    Long endpoint = endpointNotReady.get(target.pod());
    Long taint = taintedDevices.get(target.device());
    Long report = reportedUnhealthy.get(target.device());
    if (gate != null && endpoint != null && taint != null && report != null) {
      return Optional.of(
          new long[] {gate - start, endpoint - start, taint - start, report - start});
    }
    Thread.sleep(1);
  }
  return Optional.empty();
}

static String stats(String label, List<Long> nanos) {
  if (nanos.isEmpty()) return label + " no samples";
  List<Long> sorted = nanos.stream().sorted().toList();
  return "%s p50 %4d ms   p99 %4d ms   max %4d ms   (%d samples)"
      .formatted(
          label,
          sorted.get(sorted.size() / 2) / 1_000_000,
          sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1_000_000,
          sorted.getLast() / 1_000_000,
          sorted.size());
}

/** CPU and heap of the operator and agent processes, from /proc and jcmd. */
static final class Usage {
  static double[] cpuSeconds(long... pids) throws Exception {
    double[] seconds = new double[pids.length];
    long ticks = 100; // USER_HZ on Linux
    for (int i = 0; i < pids.length; i++) {
      String stat = Files.readString(Path.of("/proc/" + pids[i] + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      seconds[i] = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) ticks;
    }
    return seconds;
  }

  static String over(Duration period, long operator, long agents) throws Exception {
    double[] before = cpuSeconds(operator, agents);
    Thread.sleep(period.toMillis());
    double[] after = cpuSeconds(operator, agents);
    double s = period.toMillis() / 1000.0;
    return "operator %.1f%% CPU, agents %.1f%% CPU (of one core, over %.0f s)"
        .formatted(100 * (after[0] - before[0]) / s, 100 * (after[1] - before[1]) / s, s);
  }

  /**
   * The operator's reconciliations so far, by primary kind (JOSDK labels a controller's series with
   * it), from its /metrics, read by the scaler's bounded exposition reader.
   */
  static Map<String, Double> reconciliations() throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + OPERATOR_HTTP_PORT + "/metrics"))
            .build();
    try (var http = HttpClient.newHttpClient()) {
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      return Exposition.parse(body, Set.of(RECONCILIATIONS)).samples().stream()
          .filter(s -> s.labels().containsKey("kind") && Double.isFinite(s.value()))
          .collect(
              Collectors.groupingBy(
                  s -> s.labels().get("kind"), Collectors.summingDouble(Exposition.Sample::value)));
    }
  }

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
    // Every heap space jcmd lists (DefNew and Tenured, or G1's one heap; metaspace has no total)
    // right after a full GC: what lives.
    var used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(out);
    long kib = 0;
    boolean found = false;
    while (used.find()) {
      kib += Long.parseLong(used.group(1));
      found = true;
    }
    return found ? (kib / 1024) + " MiB" : "unknown";
  }
}

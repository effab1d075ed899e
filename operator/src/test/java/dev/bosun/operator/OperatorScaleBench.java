package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import com.sun.management.OperatingSystemMXBean;
import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.Compiler;
import dev.bosun.localcluster.CpuFleet;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.SimulatedJobs;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scale benchmark of issue 4, run on demand (not part of the test suite): {@code
 * bench/operator/run.sh}. N Workloads created at once until all are Ready through the operator,
 * against the same children created directly with no operator; the operator's heap once they are;
 * and its CPU while nothing changes.
 */
@ExtendWith(LocalClusterExtension.class)
class OperatorScaleBench {
  private static final int WORKLOADS = Integer.getInteger("bosun.bench.workloads", 1000);
  private static final int THREADS = 10;
  private static final String EVENTS = "operator_sdk_events_received_total";
  private static final String RECONCILIATIONS = "operator_sdk_reconciliations_started_total";

  @Test
  @DisabledIfSystemProperty(named = "bosun.bench.heapWorkloads", matches = "[0-9]+")
  void workloadsToReady(
      SharedCluster cluster, CpuFleet fleet, KubernetesClient client, TestNamespace namespace)
      throws Exception {
    // 110 pods a CPU node: enough nodes for every pod of the run.
    int nodes = Math.max(SharedCluster.DEFAULT_CPU_NODES, WORKLOADS / 100 + 1);
    fleet.addNodes(SharedCluster.DEFAULT_CPU_NODES, nodes - SharedCluster.DEFAULT_CPU_NODES);
    fleet.awaitReady(nodes, Duration.ofMinutes(2));
    RunningOperator.installDeploy(cluster);
    Tier tier = cluster.client().resources(Tier.class).withName("cpu-s").get();

    // 1. The limit of this machine: the same children, created directly, to all pods ready.
    String direct = namespace.name() + "-direct";
    cluster
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(direct).endMetadata().build())
        .create();
    Map<String, Double> requestsBefore = apiRequests(cluster.client());
    // Each run waits on a watch, not on a list a second: listing 1,000 custom resources every
    // second cost the API server more than the operator's own requests (see docs/benchmarks.md).
    var deployments = cluster.client().apps().deployments().inNamespace(direct).inform();
    var directCpu = new CpuWindow();
    double apiServerCpuBefore = apiServerCpu(cluster.client());
    long start = System.nanoTime();
    parallel(
        WORKLOADS,
        i -> {
          Workload w = Workloads.service(ManyWorkloads.name(i), "cpu-s", 1, 1);
          w.getMetadata().setNamespace(direct);
          for (HasMetadata child : Compiler.compile(w, tier, null)) {
            cluster
                .client()
                .resource(child)
                .fieldManager("bench")
                .forceConflicts()
                .serverSideApply();
          }
        });
    await()
        .atMost(Duration.ofMinutes(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                deployments.getStore().list().stream()
                        .filter(
                            d ->
                                d.getStatus() != null
                                    && d.getStatus().getReadyReplicas() != null
                                    && d.getStatus().getReadyReplicas() == 1)
                        .count()
                    == WORKLOADS);
    double directSeconds = (System.nanoTime() - start) / 1e9;
    deployments.close();
    String directCpuUse =
        directCpu.close("direct run")
            + "; kube-apiserver %.1f CPU s"
                .formatted(apiServerCpu(cluster.client()) - apiServerCpuBefore);
    Map<String, Double> directRequestCounts =
        difference(apiRequests(cluster.client()), requestsBefore);
    cluster.client().namespaces().withName(direct).delete();
    // The namespace gone, not only its pods: its controllers' retries and the garbage collector's
    // deletes would otherwise load the API server during the operator's run.
    await()
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> cluster.client().namespaces().withName(direct).get() == null);

    // 2. Through the operator, started now so that its heap can be told from the test's.
    long heapBefore = usedHeapAfterGc();
    OperatorMain operator = RunningOperator.ensureStarted(cluster);
    requestsBefore = apiRequests(cluster.client());
    var workloads = client.resources(Workload.class).inform();
    var operatorCpu = new CpuWindow();
    apiServerCpuBefore = apiServerCpu(cluster.client());
    start = System.nanoTime();
    ManyWorkloads.create(client, WORKLOADS, "cpu-s");
    await()
        .atMost(Duration.ofMinutes(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ManyWorkloads.ready(workloads.getStore().list()) == WORKLOADS);
    double operatorSeconds = (System.nanoTime() - start) / 1e9;
    workloads.close();
    String operatorCpuUse =
        operatorCpu.close("operator run")
            + "; kube-apiserver %.1f CPU s"
                .formatted(apiServerCpu(cluster.client()) - apiServerCpuBefore);
    Map<String, Double> operatorRequestCounts =
        difference(apiRequests(cluster.client()), requestsBefore);
    double reconciliations = OperatorHttp.sum(operator, RECONCILIATIONS);
    long heapAfter = usedHeapAfterGc();

    // 3. Idle: nothing changes for 30 s.
    String idle = idleFor30Seconds(operator);

    String report =
        """
        workloads: %d (Service, cpu-s, 1 replica each), %d KWOK nodes, %d client threads
        direct (children applied with no operator) to all pods ready: %.1f s
        operator (Workloads created) to all Ready:                   %.1f s  (%.2fx the direct time)
        operator heap after GC, with every Workload reconciled:      %.0f MiB (used heap after GC, minus before the operator started)
        %s
        %s
        %s
        API requests (all clients: the test, the operator, the control plane, KWOK), busiest kinds:
          direct:   %s
          operator: %s (%.0f reconciliations)
        """
            .formatted(
                WORKLOADS,
                nodes,
                THREADS,
                directSeconds,
                operatorSeconds,
                operatorSeconds / directSeconds,
                (heapAfter - heapBefore) / 1048576.0,
                directCpuUse,
                operatorCpuUse,
                idle,
                busiest(directRequestCounts),
                busiest(operatorRequestCounts),
                reconciliations);
    System.out.println(report);
    Files.writeString(Path.of("target/bench-operator-" + WORKLOADS + ".txt"), report);
    Files.writeString(
        Path.of("target/bench-operator-" + WORKLOADS + "-requests.txt"),
        "direct\n" + table(directRequestCounts) + "operator\n" + table(operatorRequestCounts));
  }

  /**
   * The operator's heap with many Workloads: Batch Workloads (a Job each), each run to completion
   * (its pod told to exit 0), so that nothing moves in the idle window after. {@code
   * -Dbosun.bench.heapWorkloads=5000}.
   */
  @Test
  @EnabledIfSystemProperty(named = "bosun.bench.heapWorkloads", matches = "[0-9]+")
  void heapWithManyWorkloads(SharedCluster cluster, CpuFleet fleet, KubernetesClient client)
      throws Exception {
    int count = Integer.getInteger("bosun.bench.heapWorkloads");
    int nodes = Math.max(SharedCluster.DEFAULT_CPU_NODES, count / 100 + 1);
    fleet.addNodes(SharedCluster.DEFAULT_CPU_NODES, nodes - SharedCluster.DEFAULT_CPU_NODES);
    fleet.awaitReady(nodes, Duration.ofMinutes(5));
    RunningOperator.installDeploy(cluster);
    long heapBefore = usedHeapAfterGc();
    OperatorMain operator = RunningOperator.ensureStarted(cluster);
    long start = System.nanoTime();
    parallel(
        count,
        i ->
            client
                .resource(
                    Workloads.workload(
                        ManyWorkloads.name(i),
                        Workloads.minimalSpec(WorkloadType.Batch, "cpu-s")
                            .withImage("registry.example.com/acme/batch:1.0")
                            .withParallelism(1)
                            .build()))
                .create());
    // Ready for a Batch Workload is its Job complete: by then nothing moves any more, so the idle
    // window below measures the operator alone. The local cluster's Job pods run until told to
    // exit: each is told as soon as it runs.
    await()
        .atMost(Duration.ofMinutes(40))
        .pollInterval(Duration.ofSeconds(5))
        .until(
            () -> {
              SimulatedJobs.finishRunning(client);
              return ManyWorkloads.ready(client) == count;
            });
    double seconds = (System.nanoTime() - start) / 1e9;
    long heapAfter = usedHeapAfterGc();
    String idle = idleFor30Seconds(operator);
    String report =
        """
        workloads: %d (Batch, cpu-s, one Job and pod each), %d KWOK nodes
        all Ready (every Job complete, status for the current generation): %.1f s
        operator heap after GC:                                            %.0f MiB (used heap after GC, minus before the operator started)
        %s
        """
            .formatted(count, nodes, seconds, (heapAfter - heapBefore) / 1048576.0, idle);
    System.out.println(report);
    Files.writeString(Path.of("target/bench-operator-heap-" + count + ".txt"), report);
  }

  /**
   * The API server's request counters, summed by verb and resource (and subresource); failures
   * apart, by code.
   */
  private static Map<String, Double> apiRequests(KubernetesClient admin) {
    Map<String, Double> requests = new HashMap<>();
    for (OperatorHttp.Sample sample :
        OperatorHttp.samples(admin.raw("/metrics"), "apiserver_request_total")) {
      Map<String, String> labels = sample.labels();
      String subresource = labels.getOrDefault("subresource", "");
      String code = labels.getOrDefault("code", "");
      String key =
          labels.get("verb")
              + " "
              + labels.get("resource")
              + (subresource.isEmpty() ? "" : "/" + subresource)
              + (code.startsWith("2") ? "" : " (" + code + ")");
      requests.merge(key, sample.value(), Double::sum);
    }
    return requests;
  }

  /** The CPU seconds kube-apiserver has used since it started. */
  private static double apiServerCpu(KubernetesClient admin) {
    return OperatorHttp.samples(admin.raw("/metrics"), "process_cpu_seconds_total").stream()
        .mapToDouble(OperatorHttp.Sample::value)
        .sum();
  }

  private static Map<String, Double> difference(
      Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> difference = new HashMap<>();
    after.forEach((key, count) -> difference.put(key, count - before.getOrDefault(key, 0.0)));
    return difference;
  }

  private static String busiest(Map<String, Double> requests) {
    double total = requests.values().stream().mapToDouble(Double::doubleValue).sum();
    return "%.0f in all; ".formatted(total)
        + largestFirst(requests)
            .limit(8)
            .map(e -> "%s %.0f".formatted(e.getKey(), e.getValue()))
            .collect(Collectors.joining(", "));
  }

  private static String table(Map<String, Double> requests) {
    return largestFirst(requests)
        .filter(e -> e.getValue() > 0)
        .map(e -> "%8.0f  %s%n".formatted(e.getValue(), e.getKey()))
        .collect(Collectors.joining());
  }

  private static Stream<Map.Entry<String, Double>> largestFirst(Map<String, Double> amounts) {
    return amounts.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed());
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private interface Body {
    void run(int i) throws Exception;
  }

  private static void parallel(int count, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Object>> futures =
          IntStream.range(0, count)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            body.run(i);
                            return null;
                          }))
              .toList();
      for (Future<Object> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The CPU this JVM (the test and the operator in it) used over a window: the whole process, and
   * its Java threads by name (numbers dropped). The rest is the garbage collector and the JIT
   * compiler, whose threads the thread MXBean does not list.
   */
  private static final class CpuWindow {
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> threadsBefore = cpuByThread();
    private final long processBefore = os.getProcessCpuTime();
    private final long wallBefore = System.nanoTime();

    /** {@code cores} over the window; {@code seconds} of CPU with the busiest threads. */
    String close(String what) {
      long wall = System.nanoTime() - wallBefore;
      double process = (os.getProcessCpuTime() - processBefore) / 1e9;
      Map<String, Double> byName = new TreeMap<>();
      cpuByThread()
          .forEach(
              (id, cpu) -> {
                ThreadInfo info = threads.getThreadInfo(id);
                if (info != null) {
                  byName.merge(
                      info.getThreadName().replaceAll("[0-9]+", "N"),
                      (cpu - threadsBefore.getOrDefault(id, 0L)) / 1e9,
                      Double::sum);
                }
              });
      double java = byName.values().stream().mapToDouble(Double::doubleValue).sum();
      return "%s: %.3f cores (%.1f CPU s, whole test JVM); Java threads %.1f s (busiest: %s); GC and JIT %.1f s"
          .formatted(
              what,
              process / (wall / 1e9),
              process,
              java,
              largestFirst(byName)
                  .limit(4)
                  .map(e -> "%s %.1f".formatted(e.getKey(), e.getValue()))
                  .collect(Collectors.joining(", ")),
              process - java);
    }

    private Map<Long, Long> cpuByThread() {
      Map<Long, Long> cpu = new HashMap<>();
      for (long id : threads.getAllThreadIds()) {
        long nanos = threads.getThreadCpuTime(id);
        if (nanos >= 0) {
          cpu.put(id, nanos);
        }
      }
      return cpu;
    }
  }

  /** What the operator does while nothing changes for 30 s: CPU, and whether anything woke it. */
  private static String idleFor30Seconds(OperatorMain operator) throws Exception {
    Thread.sleep(5_000); // let the last status patches settle before measuring idleness
    double events = OperatorHttp.sum(operator, EVENTS),
        reconciliations = OperatorHttp.sum(operator, RECONCILIATIONS);
    var window = new CpuWindow();
    Thread.sleep(30_000); // a measurement window, not a wait for a condition
    return window.close("idle, 30 s with nothing changing")
        + "; %.0f events received, %.0f reconciliations started"
            .formatted(
                OperatorHttp.sum(operator, EVENTS) - events,
                OperatorHttp.sum(operator, RECONCILIATIONS) - reconciliations);
  }
}

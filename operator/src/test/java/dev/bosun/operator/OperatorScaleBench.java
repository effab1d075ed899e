package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.Labels;
import dev.bosun.testkit.GpuFleet;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scale benchmark of issue 4, run on demand (not part of the test suite):
 * {@code bench/operator/run.sh}. N Workloads created at once until all are Ready through the
 * operator, against the same children created directly with no operator; the operator's heap
 * once they are; and its CPU while nothing changes.
 */
@ExtendWith(LocalClusterExtension.class)
class OperatorScaleBench {
  private static final int WORKLOADS = Integer.getInteger("bosun.bench.workloads", 1000);
  private static final int THREADS = 10;

  @Test
  @org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "bosun.bench.heapWorkloads", matches = "[0-9]+")
  void workloadsToReady(SharedCluster cluster, GpuFleet fleet, KubernetesClient client, TestNamespace namespace) throws Exception {
    // 110 pods a node: enough nodes for every pod of the run.
    int nodes = Math.max(4, WORKLOADS / 100 + 1);
    fleet.addNodes(4, nodes - 4);
    fleet.awaitReady(nodes, Duration.ofMinutes(2));
    RunningOperator.installDeploy(cluster);
    Tier tier = cluster.client().resources(Tier.class).withName("cpu-s").get();

    // 1. The limit of this machine: the same children, created directly, to all pods ready.
    String direct = namespace.name() + "-direct";
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(direct).endMetadata().build()).create();
    long start = System.nanoTime();
    parallel(WORKLOADS, i -> {
      Workload w = Workloads.service(ManyWorkloads.name(i), "cpu-s", 1, 1);
      w.getMetadata().setNamespace(direct);
      for (HasMetadata child : Compiler.compile(w, tier, null)) {
        cluster.client().resource(child).fieldManager("bench").forceConflicts().serverSideApply();
      }
    });
    await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1)).until(() -> cluster.client().apps().deployments()
        .inNamespace(direct).list().getItems().stream()
        .filter(d -> d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() == 1).count() == WORKLOADS);
    double directSeconds = (System.nanoTime() - start) / 1e9;
    cluster.client().namespaces().withName(direct).delete();
    await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
        .until(() -> cluster.client().pods().inNamespace(direct).list().getItems().isEmpty());

    // 2. Through the operator, started now so that its heap can be told from the test's.
    long heapBefore = usedHeapAfterGc();
    OperatorMain operator = RunningOperator.ensureStarted(cluster);
    start = System.nanoTime();
    ManyWorkloads.create(client, WORKLOADS, "cpu-s");
    await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1)).until(() -> ManyWorkloads.ready(client) == WORKLOADS);
    double operatorSeconds = (System.nanoTime() - start) / 1e9;
    long heapAfter = usedHeapAfterGc();

    // 3. Idle: nothing changes for 30 s; what CPU does this JVM (the operator, mostly) use?
    double idleCores = idleCoresOver30Seconds();

    String report = """
        workloads: %d (Service, cpu-s, 1 replica each), %d KWOK nodes, %d client threads
        direct (children applied with no operator) to all pods ready: %.1f s
        operator (Workloads created) to all Ready:                   %.1f s  (%.2fx the direct time)
        operator heap after GC, with every Workload reconciled:      %.0f MiB (used heap after GC, minus before the operator started)
        idle CPU over 30 s with nothing changing:                    %.3f cores (whole test JVM)
        """.formatted(WORKLOADS, nodes, THREADS, directSeconds, operatorSeconds, operatorSeconds / directSeconds,
        (heapAfter - heapBefore) / 1048576.0, idleCores);
    System.out.println(report);
    Files.writeString(Path.of("target/bench-operator-" + WORKLOADS + ".txt"), report);
  }

  /**
   * The operator's heap with many Workloads: Batch Workloads (a Job each, no Service, because the
   * local cluster's Service IP range holds only about 250 Services), reconciled but not
   * necessarily finished. {@code -Dbosun.bench.heapWorkloads=5000}.
   */
  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "bosun.bench.heapWorkloads", matches = "[0-9]+")
  void heapWithManyWorkloads(SharedCluster cluster, GpuFleet fleet, KubernetesClient client) throws Exception {
    int count = Integer.getInteger("bosun.bench.heapWorkloads");
    int nodes = Math.max(4, count / 100 + 1);
    fleet.addNodes(4, nodes - 4);
    fleet.awaitReady(nodes, Duration.ofMinutes(5));
    RunningOperator.installDeploy(cluster);
    long heapBefore = usedHeapAfterGc();
    RunningOperator.ensureStarted(cluster);
    long start = System.nanoTime();
    parallel(count, i -> client.resource(Workloads.workload(ManyWorkloads.name(i), new dev.bosun.api.v1alpha1.WorkloadSpec(
        dev.bosun.api.v1alpha1.WorkloadType.Batch, "registry.example.com/acme/batch:1.0", "cpu-s", null, null, null, null, null,
        null, null, 1, null, null, null, null, null, null))).create());
    // Ready for a Batch Workload is its Job complete: by then nothing moves any more, so the idle
    // window below measures the operator alone.
    await().atMost(Duration.ofMinutes(40)).pollInterval(Duration.ofSeconds(5)).until(() -> ManyWorkloads.ready(client) == count);
    double seconds = (System.nanoTime() - start) / 1e9;
    long heapAfter = usedHeapAfterGc();
    double idleCores = idleCoresOver30Seconds();
    String report = """
        workloads: %d (Batch, cpu-s, one Job and pod each), %d KWOK nodes
        all Ready (every Job complete, status for the current generation): %.1f s
        operator heap after GC:                                            %.0f MiB (used heap after GC, minus before the operator started)
        idle CPU over 30 s with nothing changing:                          %.3f cores (whole test JVM)
        """.formatted(count, nodes, seconds, (heapAfter - heapBefore) / 1048576.0, idleCores);
    System.out.println(report);
    Files.writeString(Path.of("target/bench-operator-heap-" + count + ".txt"), report);
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
      List<Future<Object>> futures = IntStream.range(0, count)
          .mapToObj(i -> pool.submit(() -> { body.run(i); return null; })).toList();
      for (Future<Object> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** The CPU this JVM (the operator, mostly) uses while nothing changes, in cores, over 30 s. */
  private static double idleCoresOver30Seconds() throws InterruptedException {
    Thread.sleep(5_000); // let the last status patches settle before measuring idleness
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    long wallBefore = System.nanoTime();
    Thread.sleep(30_000); // a measurement window, not a wait for a condition
    return (os.getProcessCpuTime() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
  }
}

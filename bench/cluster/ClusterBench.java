// The local cluster's benchmarks (issue 3, "Numbers"): run with bench/cluster/run.sh.
//
//   dev-up        a stopped cluster to 16 GPU nodes Ready with their slices, binaries cached
//   fleet         1,000 nodes x 8 GPUs created, Ready and published
//   scheduling    2,000 single-GPU pods with claims placed by the real scheduler, run by KWOK
//
// Each scenario prints one line "scenario: figure" that docs/benchmarks.md quotes.

import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplateBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

void main(String[] args) throws Exception {
  List<String> scenarios =
      args.length == 0 ? List.of("dev-up", "fleet", "scheduling") : List.of(args);
  int fleetNodes = Integer.getInteger("nodes", 1000);
  int pods = Integer.getInteger("pods", 2000);
  var binaries = K8sBinaries.ensureBuilt(IO::println);
  var cluster = LocalCluster.atDefaultHome(binaries);
  IO.println(
      "machine: "
          + Runtime.getRuntime().availableProcessors()
          + " CPUs, Kubernetes "
          + K8sBinaries.KUBERNETES_VERSION
          + ", Java "
          + Runtime.version());

  if (scenarios.contains("dev-up")) {
    cluster.stop();
    long begin = System.nanoTime();
    KubeClients.preloadInBackground(); // as `bosun dev up` does
    var started = cluster.start(line -> {});
    try (var client = KubeClients.forKubeconfig(started.kubeconfig())) {
      var fleet = GpuFleet.h100(client);
      fleet.installNvidiaClasses();
      fleet.addNodes(0, 16);
      double published = secondsSince(begin);
      fleet.awaitReady(16, Duration.ofMinutes(2));
      IO.println(
          "dev-up: 16 nodes Ready and published in %.1f s (components started after %.1f s, slices published after %.1f s)"
              .formatted(secondsSince(begin), started.took().toMillis() / 1000.0, published));
    }
  }

  var started = cluster.start(line -> {});
  try (var client = KubeClients.forKubeconfig(started.kubeconfig())) {
    var fleet = new GpuFleet(client, "bench-node", GpuProduct.H100_80GB_HBM3, 8);
    if (scenarios.contains("fleet")) {
      fleet.installNvidiaClasses();
      long begin = System.nanoTime();
      fleet.addNodes(0, fleetNodes);
      double created = secondsSince(begin);
      fleet.awaitReady(fleetNodes, Duration.ofMinutes(5));
      IO.println(
          "fleet: %d nodes x 8 GPUs created and published in %.1f s, all Ready after %.1f s (%d slices)"
              .formatted(fleetNodes, created, secondsSince(begin), fleet.publishedSlices()));
    }
    if (scenarios.contains("scheduling")) {
      schedule(client, pods);
    }
  }
}

/**
 * Creates the pods as fast as the API server takes them and times the scheduler and KWOK with an
 * informer.
 */
void schedule(KubernetesClient client, int pods) throws InterruptedException {
  String namespace = "bench-" + System.currentTimeMillis() / 1000;
  client
      .namespaces()
      .resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
      .create();
  client
      .resource(
          new ResourceClaimTemplateBuilder()
              .withNewMetadata()
              .withName("one-gpu")
              .withNamespace(namespace)
              .endMetadata()
              .withNewSpec()
              .withNewSpec()
              .withNewDevices()
              .addNewRequest()
              .withName("gpu")
              .withNewExactly()
              .withDeviceClassName(GpuFleet.DEVICE_CLASS)
              .withCount(1L)
              .endExactly()
              .endRequest()
              .endDevices()
              .endSpec()
              .endSpec()
              .build())
      .create();

  Set<String> scheduled = ConcurrentHashMap.newKeySet();
  Set<String> running = ConcurrentHashMap.newKeySet();
  var allScheduled = new CountDownLatch(pods);
  var allRunning = new CountDownLatch(pods);
  var informer =
      client
          .pods()
          .inNamespace(namespace)
          .inform(
              new ResourceEventHandler<Pod>() {
                @Override
                public void onAdd(Pod pod) {
                  observe(pod);
                }

                @Override
                public void onUpdate(Pod old, Pod pod) {
                  observe(pod);
                }

                @Override
                public void onDelete(Pod pod, boolean unknownFinalState) {}

                private void observe(Pod pod) {
                  String name = pod.getMetadata().getName();
                  if (pod.getSpec().getNodeName() != null && scheduled.add(name)) {
                    allScheduled.countDown();
                  }
                  if ("Running".equals(pod.getStatus().getPhase()) && running.add(name)) {
                    allRunning.countDown();
                  }
                }
              });

  long begin = System.nanoTime();
  var permits = new Semaphore(64);
  try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
    IntStream.range(0, pods)
        .forEach(
            i ->
                executor.submit(
                    () -> {
                      permits.acquire();
                      try {
                        client
                            .pods()
                            .inNamespace(namespace)
                            .resource(
                                new PodBuilder()
                                    .withNewMetadata()
                                    .withName("worker-%04d".formatted(i))
                                    .endMetadata()
                                    .withNewSpec()
                                    .withTolerations(GpuFleet.toleration())
                                    .addNewResourceClaim()
                                    .withName("gpu")
                                    .withResourceClaimTemplateName("one-gpu")
                                    .endResourceClaim()
                                    .addNewContainer()
                                    .withName("main")
                                    .withImage("registry.k8s.io/pause:3.10")
                                    .withNewResources()
                                    .addNewClaim()
                                    .withName("gpu")
                                    .endClaim()
                                    .endResources()
                                    .endContainer()
                                    .endSpec()
                                    .build())
                            .create();
                      } finally {
                        permits.release();
                      }
                      return null;
                    }));
  }
  double created = secondsSince(begin);
  boolean placed = allScheduled.await(10, TimeUnit.MINUTES);
  double scheduledAfter = secondsSince(begin);
  boolean ran = allRunning.await(10, TimeUnit.MINUTES);
  double runningAfter = secondsSince(begin);
  informer.close();
  IO.println(
      "scheduling: %d pods created in %.1f s; %s scheduled after %.1f s (%.0f pods/s); %s Running after %.1f s"
          .formatted(
              pods,
              created,
              placed ? "all" : scheduled.size() + " (timed out)",
              scheduledAfter,
              scheduled.size() / scheduledAfter,
              ran ? "all" : running.size() + " (timed out)",
              runningAfter));
  client.namespaces().withName(namespace).delete();
}

double secondsSince(long nanos) {
  return (System.nanoTime() - nanos) / 1e9;
}

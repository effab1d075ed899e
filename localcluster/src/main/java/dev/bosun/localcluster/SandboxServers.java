package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local cluster's stand-in sandbox agents: for every Running pod labelled {@link
 * Sandboxes#SANDBOX_LABEL} with an IP, a {@link StandInAgent} on a free loopback port, registered
 * in the {@link PodNetwork} under the pod's IP and port; when the pod stops running, goes or
 * changes IP, the server stops and its file goes. Closing stops every server and removes its files.
 */
public final class SandboxServers implements AutoCloseable {

  private static final long RESYNC_MILLIS = 30_000;

  private final KubernetesClient client;
  private final PodNetwork network;
  private final Consumer<String> log;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("bosun-sandbox-servers").factory());
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

  /** By pod uid; touched only on {@link #worker}. */
  private final Map<String, StandInAgent> serving = new HashMap<>();

  private final SharedIndexInformer<Pod> pods;

  private SandboxServers(KubernetesClient client, PodNetwork network, Consumer<String> log) {
    this.client = client;
    this.network = network;
    this.log = log;
    this.pods =
        client
            .pods()
            .inAnyNamespace()
            .withLabel(Sandboxes.SANDBOX_LABEL)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    submit(pod, StandInPlan.of(pod));
                  }

                  @Override
                  public void onUpdate(Pod previous, Pod pod) {
                    submit(pod, StandInPlan.of(pod));
                  }

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {
                    submit(pod, Optional.empty());
                  }
                },
                RESYNC_MILLIS);
  }

  /** Serves the sandbox pods of the cluster {@code client} talks to until closed. */
  public static SandboxServers start(
      KubernetesClient client, PodNetwork network, Consumer<String> log) {
    return new SandboxServers(client, network, log);
  }

  public PodNetwork network() {
    return network;
  }

  private void submit(Pod pod, Optional<StandInPlan.StandIn> wanted) {
    worker.execute(
        () -> {
          try {
            converge(pod.getMetadata().getUid(), wanted);
          } catch (KubernetesClientException | UncheckedIOException e) {
            // The next resync tries again.
            log.accept("sandbox-servers: " + pod.getMetadata().getName() + ": " + e.getMessage());
          }
        });
  }

  /** Makes what serves one pod match what it should: nothing, or one server on its endpoint. */
  private void converge(String podUid, Optional<StandInPlan.StandIn> wanted) {
    var current = serving.get(podUid);
    if (current != null && wanted.map(current.standIn()::equals).orElse(false)) {
      return;
    }
    if (current != null) {
      stop(serving.remove(podUid));
    }
    if (wanted.isPresent()) {
      var standIn = wanted.get();
      var agent = StandInAgent.start(standIn, memoryDirectory(standIn), requests);
      serving.put(podUid, agent);
      network.register(standIn.endpoint(), agent.address());
      log.accept(
          "sandbox-servers: "
              + standIn.namespace()
              + "/"
              + standIn.podName()
              + " "
              + standIn.endpoint().fileName()
              + " -> "
              + agent.address());
    }
  }

  /** The directory of the PV bound to the pod's memory claim: a Running pod's claim is bound. */
  private Optional<Path> memoryDirectory(StandInPlan.StandIn standIn) {
    return standIn
        .memoryClaim()
        .map(
            claim ->
                client
                    .persistentVolumeClaims()
                    .inNamespace(standIn.namespace())
                    .withName(claim)
                    .get())
        .map(claim -> claim.getSpec().getVolumeName())
        .map(volume -> client.persistentVolumes().withName(volume).get())
        .flatMap(LocalVolumes::hostDirectory);
  }

  private void stop(StandInAgent agent) {
    network.remove(agent.standIn().endpoint());
    agent.close();
    log.accept("sandbox-servers: stopped " + agent.standIn().podName());
  }

  /** Stops every server and removes its file; closing again does nothing. */
  @Override
  public synchronized void close() {
    if (worker.isShutdown()) {
      return;
    }
    pods.close();
    worker.execute(
        () -> {
          serving.values().forEach(this::stop);
          serving.clear();
        });
    worker.shutdown();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requests.shutdownNow();
  }
}

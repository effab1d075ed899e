package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One stand-in server on a free loopback port for every pod a plan says should have one, registered
 * in the {@link PodNetwork} under the pod's IP and port; when the plan changes (the pod stops
 * running, goes or changes IP), the server stops and its file goes. Closing stops every server and
 * removes its file. What {@link SandboxServers} and {@link ModelServers} share.
 *
 * @param <P> what one pod's server serves
 */
final class StandInServers<P extends StandInServers.Plan> implements AutoCloseable {

  /** What a pod's stand-in serves, as far as running one goes. */
  interface Plan {
    String namespace();

    String podName();

    PodEndpoint endpoint();
  }

  /** A running stand-in. */
  interface Server extends AutoCloseable {
    InetSocketAddress address();

    /**
     * How long it keeps serving, still registered, once its pod goes (while the endpoints forget
     * the pod), before it is closed: none unless it drains.
     */
    default Duration drainGrace() {
      return Duration.ZERO;
    }

    @Override
    void close();
  }

  private record Serving<P>(P plan, Server server) {}

  private static final long RESYNC_MILLIS = 30_000;

  private final String name;
  private final PodNetwork network;
  private final Consumer<String> log;
  private final BiFunction<P, Executor, Server> serve;
  private final ExecutorService worker;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

  /** By pod uid; touched only on {@link #worker}. */
  private final Map<String, Serving<P>> serving = new HashMap<>();

  private final SharedIndexInformer<Pod> pods;

  /**
   * Serves the pods {@code selector} selects in every namespace of the cluster {@code client} talks
   * to, until closed.
   *
   * @param name what they are, for the log and the thread: "sandbox-servers"
   * @param plan what a pod's server serves; empty for a pod that gets none
   * @param serve starts a server for a plan, handling its requests on the executor given
   */
  StandInServers(
      String name,
      KubernetesClient client,
      LabelSelector selector,
      PodNetwork network,
      Consumer<String> log,
      Function<Pod, Optional<P>> plan,
      BiFunction<P, Executor, Server> serve) {
    this.name = name;
    this.network = network;
    this.log = log;
    this.serve = serve;
    this.worker =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("bosun-" + name).factory());
    this.pods =
        client
            .pods()
            .inAnyNamespace()
            .withLabelSelector(selector)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    submit(pod, plan.apply(pod));
                  }

                  @Override
                  public void onUpdate(Pod previous, Pod pod) {
                    submit(pod, plan.apply(pod));
                  }

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {
                    submit(pod, Optional.empty());
                  }
                },
                RESYNC_MILLIS);
  }

  PodNetwork network() {
    return network;
  }

  private void submit(Pod pod, Optional<P> wanted) {
    worker.execute(
        () -> {
          try {
            converge(pod.getMetadata().getUid(), wanted);
          } catch (KubernetesClientException | UncheckedIOException e) {
            // The next resync tries again.
            log.accept(name + ": " + pod.getMetadata().getName() + ": " + e.getMessage());
          }
        });
  }

  /** Makes what serves one pod match what it should: nothing, or one server on its endpoint. */
  private void converge(String podUid, Optional<P> wanted) {
    var current = serving.get(podUid);
    if (current != null && wanted.map(current.plan()::equals).orElse(false)) {
      return;
    }
    if (current != null) {
      stopAfterGrace(serving.remove(podUid));
    }
    if (wanted.isPresent()) {
      var plan = wanted.get();
      var server = serve.apply(plan, requests);
      try {
        network.register(plan.endpoint(), server.address());
      } catch (UncheckedIOException e) {
        // Not served until registered: the next resync starts again.
        server.close();
        throw e;
      }
      serving.put(podUid, new Serving<>(plan, server));
      log.accept(
          name
              + ": "
              + plan.namespace()
              + "/"
              + plan.podName()
              + " "
              + plan.endpoint().fileName()
              + " -> "
              + server.address());
    }
  }

  /**
   * Stops a server no longer in {@link #serving} once its drain grace has passed: it keeps its
   * endpoint until then, so that requests already routed to the pod still land.
   */
  private void stopAfterGrace(Serving<P> stopped) {
    Duration grace = stopped.server().drainGrace();
    if (grace.isZero()) {
      stop(stopped);
      return;
    }
    log.accept(name + ": draining " + stopped.plan().podName() + " for " + grace.toMillis() + "ms");
    Thread.ofVirtual()
        .name("bosun-" + name + "-drain")
        .start(
            () -> {
              try {
                Thread.sleep(grace);
                worker.execute(() -> forget(stopped.plan().endpoint()));
              } catch (InterruptedException | RejectedExecutionException closing) {
                // Closing everything: its endpoint goes with the rest.
              }
              // Its close waits for the requests it holds: here, not on the worker.
              stopped.server().close();
              log.accept(name + ": stopped " + stopped.plan().podName());
            });
  }

  /**
   * Stops a server no longer in {@link #serving}. Its file goes unless another pod now serves the
   * same endpoint: KWOK gives a deleted pod's IP to the next pod, whose event may come first.
   */
  private void stop(Serving<P> stopped) {
    forget(stopped.plan().endpoint());
    stopped.server().close();
    log.accept(name + ": stopped " + stopped.plan().podName());
  }

  /** Removes the endpoint's file unless another pod now serves the same endpoint. */
  private void forget(PodEndpoint endpoint) {
    if (serving.values().stream().noneMatch(other -> other.plan().endpoint().equals(endpoint))) {
      network.remove(endpoint);
    }
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
          var all = List.copyOf(serving.values());
          serving.clear();
          all.forEach(this::stop);
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

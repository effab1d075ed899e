package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Workloads and their pods (labelled {@link Scaling.WORKLOAD_LABEL}), from two informers over
 * all namespaces: which pods of a Workload are Ready, and waiting until one is, woken by the
 * informers' events rather than by polling. Shared by the router (where a request goes) and the
 * scaler (which pods are scraped).
 */
public final class WorkloadPods implements WorkloadLookup, AutoCloseable {
  private static final String BY_WORKLOAD = "workload";

  private final SharedIndexInformer<Workload> workloads;
  private final SharedIndexInformer<Pod> pods;
  private final Map<WorkloadKey, CompletableFuture<Void>> changes = new ConcurrentHashMap<>();

  public WorkloadPods(KubernetesClient client) {
    workloads = client.resources(Workload.class).inAnyNamespace().runnableInformer(0);
    pods = client.pods().inAnyNamespace().withLabel(Scaling.WORKLOAD_LABEL).runnableInformer(0);
    pods.addIndexers(
        Map.of(
            BY_WORKLOAD,
            pod ->
                List.of(
                    new WorkloadKey(
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getLabels().get(Scaling.WORKLOAD_LABEL))
                        .toString())));
    workloads.addEventHandler(handler());
    pods.addEventHandler(handler());
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed(object);
      }

      @Override
      public void onUpdate(T before, T after) {
        changed(after);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        changed(object);
      }
    };
  }

  /** Starts both informers; the stage completes when both caches are filled. */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(
        workloads.start().toCompletableFuture(), pods.start().toCompletableFuture());
  }

  @Override
  public boolean synced() {
    return workloads.hasSynced() && pods.hasSynced();
  }

  @Override
  public Workload workload(WorkloadKey key) {
    return workloads.getIndexer().getByKey(key.toString());
  }

  @Override
  public List<PodAddress> ready(WorkloadKey key) {
    return WorkloadEndpoints.ready(workload(key), podsOf(key));
  }

  /** The Ready pods with their names and nodes, for the scaler. */
  public List<ReadyPod> readyPods(WorkloadKey key) {
    return WorkloadEndpoints.readyPods(workload(key), podsOf(key));
  }

  private List<Pod> podsOf(WorkloadKey key) {
    return pods.getIndexer().byIndex(BY_WORKLOAD, key.toString());
  }

  @Override
  public List<PodAddress> awaitReady(WorkloadKey key, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      CompletableFuture<Void> next = changes.computeIfAbsent(key, k -> new CompletableFuture<>());
      // Read after registering, so that a change between the two is not missed.
      List<PodAddress> ready = ready(key);
      if (!ready.isEmpty()) return ready;
      long left = deadline - System.nanoTime();
      if (left <= 0) return ready;
      try {
        next.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return ready(key);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a change signal never fails", e);
      }
    }
  }

  private void changed(HasMetadata object) {
    String name =
        object instanceof Pod pod
            ? pod.getMetadata().getLabels().get(Scaling.WORKLOAD_LABEL)
            : object.getMetadata().getName();
    CompletableFuture<Void> waiting =
        changes.remove(new WorkloadKey(object.getMetadata().getNamespace(), name));
    if (waiting != null) waiting.complete(null);
  }

  @Override
  public void close() {
    pods.close();
    workloads.close();
  }
}

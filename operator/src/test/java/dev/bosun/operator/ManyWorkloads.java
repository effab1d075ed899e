package dev.bosun.operator;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/** Creates many small Workloads at once, and counts how many are Ready. */
final class ManyWorkloads {
  private ManyWorkloads() {}

  static String name(int i) {
    return "w-" + i;
  }

  static void create(KubernetesClient client, int count, String size) {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Workload>> created =
          IntStream.range(0, count)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> client.resource(Workloads.service(name(i), size, 1, 1)).create()))
              .toList();
      for (Future<Workload> f : created) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdown();
    }
  }

  static long ready(KubernetesClient client) {
    return ready(client.resources(Workload.class).list().getItems());
  }

  /** How many of these Workloads are Ready for their current generation. */
  static long ready(Collection<Workload> workloads) {
    return workloads.stream()
        .filter(
            w ->
                w.getStatus() != null
                    && w.getMetadata().getGeneration().equals(w.getStatus().observedGeneration()))
        .filter(w -> Conditions.isTrue(w.getStatus().conditions(), ConditionTypes.READY))
        .count();
  }
}

package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/**
 * Simulated nodes of one kind that KWOK keeps Ready, named {@code <name>-0000}, ... and labelled
 * {@code bosun.dev/fleet=<name>}.
 */
public sealed interface Fleet permits CpuFleet, GpuFleet {

  KubernetesClient client();

  String name();

  /**
   * Creates node {@code index} and what belongs to it, leaving what exists already as it is, and
   * returns the node's name.
   */
  String addNode(int index);

  default String nodeName(int index) {
    return "%s-%04d".formatted(name(), index);
  }

  /**
   * Adds nodes {@code first .. first+count-1}, many requests at a time, and returns their names.
   */
  default List<String> addNodes(int first, int count) {
    var permits = new Semaphore(KubeClients.MAX_CONCURRENT_REQUESTS / 2);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> created =
          IntStream.range(first, first + count)
              .mapToObj(
                  index ->
                      executor.submit(
                          () -> {
                            permits.acquire();
                            try {
                              return addNode(index);
                            } finally {
                              permits.release();
                            }
                          }))
              .toList();
      var names = new ArrayList<String>(count);
      for (var future : created) {
        names.add(future.get());
      }
      return names;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not create the fleet " + name() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the fleet " + name(), e);
    }
  }

  /**
   * Waits until {@code expected} of the fleet's nodes are Ready, that is, KWOK has taken them over.
   * It watches rather than lists: listing a thousand nodes four times a second would load the API
   * server it measures.
   */
  default void awaitReady(int expected, Duration timeout) {
    try (var nodes = client().nodes().withLabel(KwokNode.FLEET_LABEL, name()).inform()) {
      Poll.until(
          "%d %s nodes Ready".formatted(expected, name()),
          timeout,
          Duration.ofMillis(100),
          () -> nodes.getStore().list().stream().filter(Fleet::isReady).count() >= expected);
    }
  }

  default long readyNodes() {
    return client().nodes().withLabel(KwokNode.FLEET_LABEL, name()).list().getItems().stream()
        .filter(Fleet::isReady)
        .count();
  }

  /** Deletes the fleet's nodes; the garbage collector deletes what they own. */
  default void delete() {
    client().nodes().withLabel(KwokNode.FLEET_LABEL, name()).delete();
  }

  static boolean isReady(Node node) {
    return node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Creates, and reads only when it exists already: one request per new object. */
  static <T> T createOrGet(Resource<T> resource) {
    try {
      return resource.create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return resource.get();
      }
      throw e;
    }
  }
}

package dev.bosun.scaler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The node agents' pods in their namespace (labelled {@link AgentEndpoints#NAME_LABEL}={@link
 * AgentEndpoints#NAME}), from an informer: where the scaler reads each node's GPU utilisation.
 */
public final class AgentPods implements AutoCloseable {
  /** deploy/agent's namespace. */
  public static final String DEFAULT_NAMESPACE = "bosun-node";

  private final SharedIndexInformer<Pod> pods;

  public AgentPods(KubernetesClient client, String namespace) {
    pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(AgentEndpoints.NAME_LABEL, AgentEndpoints.NAME)
            .runnableInformer(0);
  }

  /** Starts the informer; the stage completes when its cache is filled. */
  public CompletableFuture<Void> start() {
    return pods.start().toCompletableFuture();
  }

  /** Node name → its agent's address, as the informer sees the agents now. */
  public Map<String, PodAddress> byNode() {
    return AgentEndpoints.byNode(pods.getStore().list());
  }

  @Override
  public void close() {
    pods.close();
  }
}

package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.NodeAgents;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The node agents' pods in their namespace (labelled {@link NodeAgents#NAME_LABEL}={@link
 * NodeAgents#NAME}), from an informer: where the scaler reads each node's GPU utilisation.
 */
public final class AgentPods implements AutoCloseable {
  private final SharedIndexInformer<Pod> pods;

  public AgentPods(KubernetesClient client, String namespace) {
    pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(NodeAgents.NAME_LABEL, NodeAgents.NAME)
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

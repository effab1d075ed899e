package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.NodeAgents;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each node's agent serves {@code /metrics}: the decision, apart from the informer that feeds
 * it ({@link AgentPods}). The agents are deploy/agent/daemonset.yaml's pods, one per GPU node.
 */
public final class AgentEndpoints {
  private AgentEndpoints() {}

  /**
   * Node name → its agent's address, for the agents that can answer: not being deleted, on a node,
   * with an IP and the condition Ready=True. Two on one node (a rolling update that surges): the
   * first by pod name, so the choice is stable between rounds.
   */
  public static Map<String, PodAddress> byNode(List<Pod> agents) {
    Map<String, PodAddress> byNode = new HashMap<>();
    agents.stream()
        .filter(AgentEndpoints::usable)
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(
            p ->
                byNode.putIfAbsent(
                    p.getSpec().getNodeName(), new PodAddress(p.getStatus().getPodIP(), port(p))));
    return Map.copyOf(byNode);
  }

  private static boolean usable(Pod pod) {
    return WorkloadEndpoints.ready(pod)
        && pod.getSpec() != null
        && pod.getSpec().getNodeName() != null
        && !pod.getSpec().getNodeName().isEmpty();
  }

  private static int port(Pod pod) {
    for (Container container : pod.getSpec().getContainers()) {
      if (container.getPorts() == null) continue;
      for (ContainerPort port : container.getPorts()) {
        if (NodeAgents.METRICS_PORT_NAME.equals(port.getName())
            && port.getContainerPort() != null) {
          return port.getContainerPort();
        }
      }
    }
    return NodeAgents.METRICS_PORT;
  }
}

package dev.bosun.localcluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A fleet of simulated general-purpose nodes without GPUs: where CPU tiers run, since GPU nodes are
 * tainted.
 */
public record CpuFleet(KubernetesClient client, String name) implements Fleet {

  /** The CPU nodes `bosun dev up` makes. */
  public static CpuFleet of(KubernetesClient client) {
    return new CpuFleet(client, "cpu-node");
  }

  @Override
  public String addNode(int index) {
    String nodeName = nodeName(index);
    Fleet.createOrGet(client.nodes().resource(KwokNode.cpu(name, nodeName, index)));
    return nodeName;
  }
}

package dev.bosun.localcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Consumer;

/**
 * The local cluster's stand-in model servers: for every Running pod of an Inference Workload with
 * an IP, a {@link ModelServer} on a free loopback port, registered in the {@link PodNetwork} under
 * the pod's IP and port (see {@link StandInServers}), so that load sent to a Workload queues as it
 * would on an LLM server of fixed capacity and shows in vLLM's metrics.
 */
public final class ModelServers implements AutoCloseable {

  private final StandInServers<ModelServerPlan.Replica> servers;

  private ModelServers(
      KubernetesClient client,
      PodNetwork network,
      ModelServerSettings settings,
      Consumer<String> log) {
    this.servers =
        new StandInServers<>(
            "model-servers",
            client,
            ModelServerPlan.selector(),
            network,
            log,
            ModelServerPlan::of,
            (replica, requests) -> ModelServer.start(replica, settings, requests));
  }

  /** Serves the Inference Workloads' pods of the cluster {@code client} talks to until closed. */
  public static ModelServers start(
      KubernetesClient client,
      PodNetwork network,
      ModelServerSettings settings,
      Consumer<String> log) {
    return new ModelServers(client, network, settings, log);
  }

  public PodNetwork network() {
    return servers.network();
  }

  /** Stops every server and removes its file; closing again does nothing. */
  @Override
  public void close() {
    servers.close();
  }
}

package dev.bosun.cli.dev;

import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.operator.client.RouterCaller;
import java.time.Duration;

/**
 * Who {@code bosun dev load} is to the router: the ServiceAccount {@value #NAME} in the Workload's
 * namespace, made by {@link RouterCaller}.
 */
final class LoadCaller {
  static final String NAME = "bosun-dev-load";

  private LoadCaller() {}

  /** A bearer token for {@code namespace}, made or refreshed on the local cluster. */
  static String token(LocalCluster cluster, String namespace, Duration load) {
    try (var client = KubeClients.forKubeconfig(cluster.kubeconfig())) {
      return RouterCaller.token(client, namespace, NAME, load);
    }
  }
}

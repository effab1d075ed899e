package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The local cluster's stand-in sandbox agents: for every Running pod labelled {@link
 * Sandboxes#SANDBOX_LABEL} with an IP, a {@link StandInAgent} on a free loopback port, registered
 * in the {@link PodNetwork} under the pod's IP and port (see {@link StandInServers}).
 */
public final class SandboxServers implements AutoCloseable {

  private final StandInServers<StandInPlan.StandIn> servers;

  private SandboxServers(KubernetesClient client, PodNetwork network, Consumer<String> log) {
    this.servers =
        new StandInServers<>(
            "sandbox-servers",
            client,
            StandInPlan.selector(),
            network,
            log,
            StandInPlan::of,
            (standIn, requests) ->
                StandInAgent.start(standIn, memoryDirectory(client, standIn), requests));
  }

  /** Serves the sandbox pods of the cluster {@code client} talks to until closed. */
  public static SandboxServers start(
      KubernetesClient client, PodNetwork network, Consumer<String> log) {
    return new SandboxServers(client, network, log);
  }

  public PodNetwork network() {
    return servers.network();
  }

  /** The directory of the PV bound to the pod's memory claim: a Running pod's claim is bound. */
  private static Optional<Path> memoryDirectory(
      KubernetesClient client, StandInPlan.StandIn standIn) {
    return standIn
        .memoryClaim()
        .map(
            claim ->
                client
                    .persistentVolumeClaims()
                    .inNamespace(standIn.namespace())
                    .withName(claim)
                    .get())
        .map(claim -> claim.getSpec().getVolumeName())
        .map(volume -> client.persistentVolumes().withName(volume).get())
        .flatMap(LocalVolumes::hostDirectory);
  }

  /** Stops every server and removes its file; closing again does nothing. */
  @Override
  public void close() {
    servers.close();
  }
}

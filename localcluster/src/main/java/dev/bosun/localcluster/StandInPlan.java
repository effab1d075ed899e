package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Optional;

/**
 * Which sandbox pods get a stand-in server, and on which endpoint: pure decisions over the pod, for
 * {@link SandboxServers}.
 */
public final class StandInPlan {

  private StandInPlan() {}

  /**
   * What one pod's stand-in serves.
   *
   * @param memoryClaim the claim mounted at {@link Sandboxes#MEMORY_PATH} in the first container,
   *     where the stand-in keeps its request counter, if the pod has one
   */
  public record StandIn(
      String podUid,
      String namespace,
      String podName,
      String sandbox,
      PodNetwork.Endpoint endpoint,
      Optional<String> memoryClaim) {}

  /**
   * The stand-in of a pod of a sandbox that runs with an IP; empty for a pod that is not a
   * sandbox's, not Running, has no IP yet, or is being deleted.
   */
  public static Optional<StandIn> of(Pod pod) {
    var metadata = pod.getMetadata();
    var labels = metadata.getLabels();
    String sandbox = labels == null ? null : labels.get(Sandboxes.SANDBOX_LABEL);
    var status = pod.getStatus();
    if (sandbox == null
        || metadata.getDeletionTimestamp() != null
        || status == null
        || !"Running".equals(status.getPhase())
        || status.getPodIP() == null
        || status.getPodIP().isEmpty()) {
      return Optional.empty();
    }
    List<Container> containers = pod.getSpec().getContainers();
    Optional<Container> first =
        containers.isEmpty() ? Optional.empty() : Optional.of(containers.getFirst());
    return Optional.of(
        new StandIn(
            metadata.getUid(),
            metadata.getNamespace(),
            metadata.getName(),
            sandbox,
            new PodNetwork.Endpoint(status.getPodIP(), port(first)),
            first.flatMap(container -> memoryClaim(pod, container))));
  }

  /** The first container's first port, else {@link Sandboxes#DEFAULT_PORT}. */
  static int port(Optional<Container> container) {
    return container
        .map(Container::getPorts)
        .filter(ports -> !ports.isEmpty())
        .map(List::getFirst)
        .map(ContainerPort::getContainerPort)
        .orElse(Sandboxes.DEFAULT_PORT);
  }

  private static Optional<String> memoryClaim(Pod pod, Container container) {
    return container.getVolumeMounts().stream()
        .filter(mount -> Sandboxes.MEMORY_PATH.equals(mount.getMountPath()))
        .map(VolumeMount::getName)
        .findFirst()
        .flatMap(
            volume ->
                pod.getSpec().getVolumes().stream()
                    .filter(candidate -> volume.equals(candidate.getName()))
                    .map(Volume::getPersistentVolumeClaim)
                    .filter(claim -> claim != null)
                    .map(claim -> claim.getClaimName())
                    .findFirst());
  }
}

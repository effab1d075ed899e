package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
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
      PodEndpoint endpoint,
      Optional<String> memoryClaim)
      implements StandInServers.Plan {}

  /** The pods that may be sandboxes': those labelled {@link Sandboxes#SANDBOX_LABEL}. */
  public static LabelSelector selector() {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(Sandboxes.SANDBOX_LABEL)
        .withOperator("Exists")
        .endMatchExpression()
        .build();
  }

  /**
   * The stand-in of a pod of a sandbox that runs with an IP; empty for a pod that is not a
   * sandbox's, not Running, has no IP yet, or is being deleted.
   */
  public static Optional<StandIn> of(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    String sandbox = labels == null ? null : labels.get(Sandboxes.SANDBOX_LABEL);
    if (sandbox == null) {
      return Optional.empty();
    }
    return runningEndpoint(pod)
        .map(
            endpoint ->
                new StandIn(
                    pod.getMetadata().getUid(),
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    sandbox,
                    endpoint,
                    firstContainer(pod).flatMap(container -> memoryClaim(pod, container))));
  }

  /**
   * Where a pod that runs with an IP serves: its IP and its first container's first port; empty for
   * a pod not Running, without an IP yet, or being deleted.
   */
  static Optional<PodEndpoint> runningEndpoint(Pod pod) {
    var status = pod.getStatus();
    if (pod.getMetadata().getDeletionTimestamp() != null
        || status == null
        || !"Running".equals(status.getPhase())
        || status.getPodIP() == null
        || status.getPodIP().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PodEndpoint(status.getPodIP(), port(firstContainer(pod))));
  }

  private static Optional<Container> firstContainer(Pod pod) {
    List<Container> containers = pod.getSpec().getContainers();
    return containers.isEmpty() ? Optional.empty() : Optional.of(containers.getFirst());
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

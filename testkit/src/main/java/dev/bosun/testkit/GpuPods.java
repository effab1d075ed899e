package dev.bosun.testkit;

import static org.awaitility.Awaitility.await;

import dev.bosun.localcluster.GpuFleet;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;

/** Pods that hold GPUs of the local cluster's KWOK nodes the DRA way, for tests. */
public final class GpuPods {

  private GpuPods() {}

  /**
   * Creates, in the client's namespace, a ResourceClaim for one whole GPU named {@code <pod>-gpu}
   * ({@link #claimOf}) and a pod that uses it, kept to {@code node} by its hostname label: the real
   * scheduler allocates one of that node's GPUs to it. Returns the pod as created.
   */
  public static Pod holdingOneGpu(KubernetesClient client, String name, String node) {
    return holdingOneGpu(client, name, Map.of("kubernetes.io/hostname", node));
  }

  /** As {@link #holdingOneGpu(KubernetesClient, String, String)}, on whichever GPU node fits. */
  public static Pod holdingOneGpu(KubernetesClient client, String name) {
    return holdingOneGpu(client, name, Map.of());
  }

  /** The name of the claim {@link #holdingOneGpu} makes for the pod {@code pod}. */
  public static String claimOf(String pod) {
    return pod + "-gpu";
  }

  /** The pod once it runs (the scheduler allocated its claim and KWOK started it). */
  public static Pod awaitRunning(KubernetesClient client, String name, Duration within) {
    return await(name + " Running")
        .atMost(within)
        .until(
            () -> client.pods().withName(name).get(),
            p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
  }

  /**
   * The index of the one GPU the scheduler allocated to the pod's first claim: device {@code
   * gpu-<index>} of the pool named after the pod's node.
   */
  public static int allocatedGpu(KubernetesClient client, Pod pod) {
    String claim = pod.getSpec().getResourceClaims().getFirst().getResourceClaimName();
    DeviceRequestAllocationResult result =
        client
            .resources(ResourceClaim.class)
            .withName(claim)
            .get()
            .getStatus()
            .getAllocation()
            .getDevices()
            .getResults()
            .getFirst();
    if (!pod.getSpec().getNodeName().equals(result.getPool()))
      throw new AssertionError(
          "claim " + claim + " allocated in pool " + result.getPool() + ", not the pod's node");
    return Integer.parseInt(result.getDevice().substring("gpu-".length()));
  }

  private static Pod holdingOneGpu(
      KubernetesClient client, String name, Map<String, String> nodeSelector) {
    client
        .resource(
            new ResourceClaimBuilder()
                .withNewMetadata()
                .withName(claimOf(name))
                .endMetadata()
                .withNewSpec()
                .withNewDevices()
                .addNewRequest()
                .withName("gpu")
                .withNewExactly()
                .withDeviceClassName(GpuFleet.DEVICE_CLASS)
                .endExactly()
                .endRequest()
                .endDevices()
                .endSpec()
                .build())
        .create();
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(nodeSelector)
                .withTolerations(GpuFleet.toleration())
                .addNewResourceClaim()
                .withName("gpu")
                .withResourceClaimName(claimOf(name))
                .endResourceClaim()
                .addNewContainer()
                .withName("main")
                .withImage("registry.k8s.io/pause:3.10")
                .withNewResources()
                .addNewClaim()
                .withName("gpu")
                .endClaim()
                .endResources()
                .endContainer()
                .endSpec()
                .build())
        .create();
  }
}

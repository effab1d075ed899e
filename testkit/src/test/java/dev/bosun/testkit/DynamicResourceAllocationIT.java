package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.localcluster.GpuFleet;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplateBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real scheduler allocates devices from the fleet's ResourceSlices to the claims that pods make
 * from templates, and KWOK runs the pods.
 */
@ExtendWith(LocalClusterExtension.class)
class DynamicResourceAllocationIT {

  private static final Duration SCHEDULING = Duration.ofSeconds(60);

  @Test
  void aPodGetsAGpuOfTheNodeItRunsOn(KubernetesClient client) {
    client.resource(gpuClaimTemplate("one-gpu", 1, "40Gi")).create();
    client.resource(podClaiming("trainer", "one-gpu")).create();

    Pod pod = awaitRunning(client, "trainer");
    var results = allocatedDevices(client, pod);

    assertThat(results)
        .singleElement()
        .satisfies(
            result -> {
              assertThat(result.getDriver()).isEqualTo("gpu.nvidia.com");
              assertThat(result.getPool()).isEqualTo(pod.getSpec().getNodeName());
              assertThat(result.getDevice()).matches("gpu-[0-7]");
            });
  }

  @Test
  void eightGpusComeFromOneNode(KubernetesClient client) {
    client.resource(gpuClaimTemplate("eight-gpus", 8, "79Gi")).create();
    client.resource(podClaiming("trainer-xl", "eight-gpus")).create();

    Pod pod = awaitRunning(client, "trainer-xl");
    var results = allocatedDevices(client, pod);

    assertThat(results)
        .hasSize(8)
        .allSatisfy(result -> assertThat(result.getPool()).isEqualTo(pod.getSpec().getNodeName()))
        .extracting(DeviceRequestAllocationResult::getDevice)
        .containsExactlyInAnyOrder(
            "gpu-0", "gpu-1", "gpu-2", "gpu-3", "gpu-4", "gpu-5", "gpu-6", "gpu-7");
  }

  @Test
  void aPodAskingMoreGpusThanAnyNodeHasStaysPendingWithTheSchedulersReason(
      KubernetesClient client) {
    // Other fleets may share the cluster (a developer's `bosun dev up`): ask for more than the
    // largest node has.
    // Whole GPUs only: a node of MIG slices publishes more devices, none of them a whole GPU.
    int mostGpusOnANode =
        client.resources(ResourceSlice.class).list().getItems().stream()
            .mapToInt(
                slice ->
                    (int)
                        slice.getSpec().getDevices().stream()
                            .filter(
                                device ->
                                    "gpu".equals(device.getAttributes().get("type").getString()))
                            .count())
            .max()
            .orElseThrow();
    client.resource(gpuClaimTemplate("too-many-gpus", mostGpusOnANode + 1, "40Gi")).create();
    client.resource(podClaiming("too-big", "too-many-gpus")).create();

    PodCondition scheduled =
        await("the scheduler's verdict on too-big")
            .atMost(SCHEDULING)
            .until(
                () -> condition(client.pods().withName("too-big").get(), "PodScheduled"),
                Optional::isPresent)
            .orElseThrow();

    assertThat(scheduled.getStatus()).isEqualTo("False");
    assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
    assertThat(scheduled.getMessage()).contains("cannot allocate all claims");
    assertThat(client.pods().withName("too-big").get().getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void aSelectorNoGpuSatisfiesLeavesThePodPending(KubernetesClient client) {
    // 81559 MiB is all an H100 80GB has; asking for more must not be allocated.
    client.resource(gpuClaimTemplate("huge-gpu", 1, "100Gi")).create();
    client.resource(podClaiming("wants-huge-gpu", "huge-gpu")).create();

    PodCondition scheduled =
        await("the scheduler's verdict on wants-huge-gpu")
            .atMost(SCHEDULING)
            .until(
                () -> condition(client.pods().withName("wants-huge-gpu").get(), "PodScheduled"),
                Optional::isPresent)
            .orElseThrow();

    assertThat(scheduled.getStatus()).isEqualTo("False");
    assertThat(scheduled.getMessage()).contains("cannot allocate all claims");
  }

  /** A template for {@code count} whole GPUs with at least {@code memory} each. */
  static ResourceClaimTemplate gpuClaimTemplate(String name, int count, String memory) {
    return new ResourceClaimTemplateBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNewSpec()
        .withNewDevices()
        .addNewRequest()
        .withName("gpus")
        .withNewExactly()
        .withDeviceClassName(GpuFleet.DEVICE_CLASS)
        .withAllocationMode("ExactCount")
        .withCount((long) count)
        .addNewSelector()
        .withNewCel()
        .withExpression(
            "device.capacity[\"gpu.nvidia.com\"].memory.compareTo(quantity(\""
                + memory
                + "\")) >= 0")
        .endCel()
        .endSelector()
        .endExactly()
        .endRequest()
        .endDevices()
        .endSpec()
        .endSpec()
        .build();
  }

  static Pod podClaiming(String name, String template) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withTolerations(GpuFleet.toleration())
        .addNewResourceClaim()
        .withName("gpus")
        .withResourceClaimTemplateName(template)
        .endResourceClaim()
        .addNewContainer()
        .withName("main")
        .withImage("registry.k8s.io/pause:3.10")
        .withNewResources()
        .addNewClaim()
        .withName("gpus")
        .endClaim()
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod awaitRunning(KubernetesClient client, String name) {
    return await(name + " Running")
        .atMost(SCHEDULING)
        .until(
            () -> client.pods().withName(name).get(),
            pod -> pod != null && "Running".equals(pod.getStatus().getPhase()));
  }

  /** The devices the scheduler allocated to the claim made for the pod from its template. */
  private static List<DeviceRequestAllocationResult> allocatedDevices(
      KubernetesClient client, Pod pod) {
    String claimName = pod.getStatus().getResourceClaimStatuses().getFirst().getResourceClaimName();
    ResourceClaim claim = client.resources(ResourceClaim.class).withName(claimName).get();
    assertThat(claim.getStatus().getReservedFor())
        .anySatisfy(
            consumer -> assertThat(consumer.getName()).isEqualTo(pod.getMetadata().getName()));
    return claim.getStatus().getAllocation().getDevices().getResults();
  }

  private static Optional<PodCondition> condition(Pod pod, String type) {
    return Optional.ofNullable(pod).map(p -> p.getStatus().getConditions()).stream()
        .flatMap(List::stream)
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}

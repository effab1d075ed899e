package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.localcluster.GpuFleet;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.resource.v1.Device;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalClusterExtension.class)
class GpuFleetIT {

  @Test
  void kwokKeepsEveryFleetNodeReady(GpuFleet fleet, KubernetesClient client) {
    var nodes = client.nodes().withLabel("bosun.dev/fleet", fleet.name()).list().getItems();

    assertThat(nodes)
        .hasSize(SharedCluster.DEFAULT_NODES)
        .allSatisfy(
            node -> {
              assertThat(node.getStatus().getConditions())
                  .as("%s Ready", node.getMetadata().getName())
                  .anySatisfy(
                      condition -> {
                        assertThat(condition.getType()).isEqualTo("Ready");
                        assertThat(condition.getStatus()).isEqualTo("True");
                      });
              assertThat(node.getMetadata().getLabels())
                  .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
              assertThat(node.getSpec().getTaints())
                  .extracting(Taint::getKey)
                  .contains(GpuFleet.TAINT_KEY);
            });
  }

  @Test
  void theApiServerServesEachNodesSliceWithItsGpus(GpuFleet fleet, KubernetesClient client) {
    for (int i = 0; i < SharedCluster.DEFAULT_NODES; i++) {
      String node = fleet.nodeName(i);
      var slices =
          client.resources(ResourceSlice.class).withField("spec.nodeName", node).list().getItems();

      assertThat(slices)
          .as("slices of %s", node)
          .singleElement()
          .satisfies(
              slice -> {
                assertThat(slice.getSpec().getDriver()).isEqualTo("gpu.nvidia.com");
                assertThat(slice.getSpec().getDevices())
                    .extracting(Device::getName)
                    .hasSize(SharedCluster.DEFAULT_GPUS_PER_NODE)
                    .first()
                    .isEqualTo("gpu-0");
                var gpu0 = slice.getSpec().getDevices().getFirst();
                assertThat(gpu0.getAttributes().get("cudaComputeCapability").getVersion())
                    .isEqualTo("9.0.0");
                assertThat(gpu0.getCapacity().get("memory").getValue().getNumericalAmount())
                    .isEqualByComparingTo("85520809984");
              });
    }
  }

  @Test
  void theDeviceClassSelectsTheDriversWholeGpus(KubernetesClient client) {
    var deviceClass = client.resources(DeviceClass.class).withName(GpuFleet.DEVICE_CLASS).get();

    assertThat(deviceClass.getSpec().getSelectors())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.getCel().getExpression())
                    .contains("device.driver == \"gpu.nvidia.com\""));
  }
}

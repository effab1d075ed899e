package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.resource.v1.Device;
import org.junit.jupiter.api.Test;

class NvidiaResourceSliceTest {

  private static final GpuProduct H100 = GpuProduct.H100_80GB_HBM3;

  private final Node node =
      new NodeBuilder()
          .withNewMetadata()
          .withName("gpu-node-0007")
          .withUid("6d1c7a52-0000-4000-8000-000000000007")
          .endMetadata()
          .build();

  @Test
  void onePoolPerNodeWithOneDevicePerGpu() {
    var slice = NvidiaResourceSlice.forNode(node, H100, 8);

    assertThat(slice.getSpec().getDriver()).isEqualTo("gpu.nvidia.com");
    assertThat(slice.getSpec().getNodeName()).isEqualTo("gpu-node-0007");
    assertThat(slice.getSpec().getPool().getName()).isEqualTo("gpu-node-0007");
    assertThat(slice.getSpec().getPool().getResourceSliceCount()).isEqualTo(1L);
    assertThat(NvidiaResourceSlice.deviceNames(slice))
        .containsExactly("gpu-0", "gpu-1", "gpu-2", "gpu-3", "gpu-4", "gpu-5", "gpu-6", "gpu-7");
    assertThat(slice.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("Node");
              assertThat(owner.getUid()).isEqualTo(node.getMetadata().getUid());
            });
  }

  @Test
  void devicesCarryTheDriversAttributesWithTheirTypes() {
    Device gpu = NvidiaResourceSlice.forNode(node, H100, 8).getSpec().getDevices().get(3);

    var attributes = gpu.getAttributes();
    assertThat(attributes.get("type").getString()).isEqualTo("gpu");
    assertThat(attributes.get("productName").getString()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(attributes.get("brand").getString()).isEqualTo("NVIDIA");
    assertThat(attributes.get("architecture").getString()).isEqualTo("Hopper");
    assertThat(attributes.get("cudaComputeCapability").getVersion()).isEqualTo("9.0.0");
    assertThat(attributes.get("driverVersion").getVersion()).isEqualTo("580.159.4");
    assertThat(attributes.get("cudaDriverVersion").getVersion()).isEqualTo("13.0.0");
    assertThat(attributes.get("index").getInt()).isEqualTo(3L);
    assertThat(attributes.get("minor").getInt()).isEqualTo(3L);
    assertThat(attributes.get("uuid").getString())
        .matches("GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(attributes.get("resource.kubernetes.io/pciBusID").getString())
        .isEqualTo("0000:5d:00.0");
    assertThat(gpu.getCapacity().get("memory").getValue()).isEqualTo(new Quantity("81559Mi"));
  }

  @Test
  void gpuUuidsDifferBetweenNodesAndStayTheSameForOneNode() {
    assertThat(NvidiaResourceSlice.uuid("gpu-node-0000", 0))
        .isEqualTo(NvidiaResourceSlice.uuid("gpu-node-0000", 0))
        .isNotEqualTo(NvidiaResourceSlice.uuid("gpu-node-0001", 0))
        .isNotEqualTo(NvidiaResourceSlice.uuid("gpu-node-0000", 1));
  }

  @Test
  void aSliceHoldsAtMost128Devices() {
    assertThat(NvidiaResourceSlice.forNode(node, H100, 128).getSpec().getDevices()).hasSize(128);
    assertThatThrownBy(() -> NvidiaResourceSlice.forNode(node, H100, 129))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("128");
  }

  @Test
  void busIdsBeyondOneBoardMoveToTheNextDomain() {
    assertThat(H100.pciBusId(0)).isEqualTo("0000:18:00.0");
    assertThat(H100.pciBusId(8)).isEqualTo("0001:18:00.0");
    assertThat(H100.pciBusId(15)).isEqualTo("0001:db:00.0");
  }

  @Test
  void aMigNodePublishesItsInstancesWithProfileParentAndMemory() {
    var slice = NvidiaResourceSlice.forMigNode(node, H100, 8, GpuFleet.MigLayout.H100_1G_10GB);
    assertThat(slice.getSpec().getDevices()).hasSize(56);
    Device instance = slice.getSpec().getDevices().get(9);
    assertThat(instance.getName()).isEqualTo("gpu-1-mig-1g10gb-2");
    assertThat(instance.getAttributes().get("type").getString()).isEqualTo("mig");
    assertThat(instance.getAttributes().get("profile").getString()).isEqualTo("1g.10gb");
    assertThat(instance.getAttributes().get("parentUUID").getString())
        .isEqualTo(NvidiaResourceSlice.uuid(node.getMetadata().getName(), 1));
    assertThat(instance.getAttributes().get("uuid").getString()).startsWith("MIG-");
    assertThat(instance.getCapacity().get("memory").getValue().toString()).isEqualTo("9856Mi");
    assertThat(slice.getSpec().getDevices()).extracting(Device::getName).doesNotHaveDuplicates();
    assertThatThrownBy(
            () -> NvidiaResourceSlice.forMigNode(node, H100, 19, GpuFleet.MigLayout.H100_1G_10GB))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

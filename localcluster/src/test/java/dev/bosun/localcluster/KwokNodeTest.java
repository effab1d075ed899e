package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class KwokNodeTest {

  @Test
  void kwokManagesTheNodeAndGpuFeatureDiscoveryLabelsDescribeTheGpus() {
    var node = KwokNode.gpu("gpu-node", "gpu-node-0004", 4, GpuProduct.H100_80GB_HBM3, 8);

    assertThat(node.getMetadata().getAnnotations()).containsEntry("kwok.x-k8s.io/node", "fake");
    assertThat(node.getMetadata().getAnnotations())
        .containsEntry(
            "metrics.k8s.io/resource-metrics-path",
            "/metrics/nodes/" + node.getMetadata().getName() + "/metrics/resource");
    assertThat(node.getMetadata().getLabels())
        .containsEntry("bosun.dev/fleet", "gpu-node")
        .containsEntry("kubernetes.io/hostname", "gpu-node-0004")
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")
        .containsEntry("nvidia.com/gpu.count", "8")
        .containsEntry("nvidia.com/gpu.memory", "81559")
        .containsEntry("nvidia.com/gpu.family", "hopper")
        .containsEntry("nvidia.com/cuda.driver.major", "580")
        .containsEntry("topology.kubernetes.io/zone", "zone-b");
  }

  @Test
  void capacityIsTheHostsAndLeavesTheGpusToDra() {
    var status =
        KwokNode.gpu("gpu-node", "gpu-node-0000", 0, GpuProduct.H100_80GB_HBM3, 8).getStatus();

    assertThat(status.getCapacity())
        .containsEntry("cpu", new Quantity("192"))
        .containsEntry("memory", new Quantity("2048Gi"))
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(status.getAllocatable().get("cpu")).isEqualTo(new Quantity("190"));
  }

  @Test
  void aGpuNodeIsTaintedAsGpuNodePoolsAre() {
    var node = KwokNode.gpu("gpu-node", "gpu-node-0000", 0, GpuProduct.H100_80GB_HBM3, 8);

    assertThat(node.getSpec().getTaints())
        .singleElement()
        .satisfies(
            taint -> {
              assertThat(taint.getKey()).isEqualTo("nvidia.com/gpu");
              assertThat(taint.getValue()).isEqualTo("present");
              assertThat(taint.getEffect()).isEqualTo("NoSchedule");
            });
  }

  @Test
  void aCpuNodeIsAnUntaintedGeneralPurposeHostWithoutGpuLabels() {
    var node = KwokNode.cpu("cpu-node", "cpu-node-0002", 2);

    assertThat(node.getMetadata().getAnnotations()).containsEntry("kwok.x-k8s.io/node", "fake");
    assertThat(node.getMetadata().getLabels())
        .containsEntry("bosun.dev/fleet", "cpu-node")
        .containsEntry("kubernetes.io/hostname", "cpu-node-0002")
        .containsEntry("topology.kubernetes.io/zone", "zone-c")
        .doesNotContainKey("nvidia.com/gpu.present");
    assertThat(node.getSpec().getTaints()).isNullOrEmpty();
    assertThat(node.getStatus().getCapacity())
        .containsEntry("cpu", new Quantity("64"))
        .containsEntry("memory", new Quantity("256Gi"))
        .containsEntry("pods", new Quantity("110"));
    assertThat(node.getStatus().getAllocatable().get("cpu")).isEqualTo(new Quantity("62"));
  }
}

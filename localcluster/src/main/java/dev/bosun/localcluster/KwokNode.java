package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node that KWOK plays the kubelet of, with the labels and capacity the cloud and (on GPU nodes)
 * GPU feature discovery would give it: a general-purpose CPU host, or a GPU host.
 *
 * <p>A GPU node's GPUs are not in its capacity: with DRA they are devices in the node's
 * ResourceSlice, and counting them twice would let the scheduler place pods that DRA refuses. GPU
 * nodes carry the taint GPU node pools carry on GKE and elsewhere, so only pods that tolerate it
 * (the GPU tiers do) take a GPU node's room.
 */
final class KwokNode {

  /** KWOK's controller manages the nodes with this annotation (kwokctl's default selector). */
  static final String KWOK_ANNOTATION = "kwok.x-k8s.io/node";

  static final String FLEET_LABEL = "bosun.dev/fleet";

  /**
   * Where metrics-server (0.7 and later) scrapes a node's resource metrics instead of the kubelet's
   * {@code /metrics/resource}: every KWOK node is one port, so KWOK serves each node under its own
   * path ({@code kwok-metrics.yaml}).
   */
  static final String RESOURCE_METRICS_PATH_ANNOTATION = "metrics.k8s.io/resource-metrics-path";

  private static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");

  // Per GPU, an HGX H100 host has 24 CPUs and 256 GiB of memory (192 and 2 TiB for eight).
  private static final int CPUS_PER_GPU = 24;
  private static final int MEMORY_GIB_PER_GPU = 256;
  // A general-purpose 64-vCPU host with 4 GiB per vCPU (n2-standard-64, m6i.16xlarge): with the
  // 500m of the smallest tier it holds the 110 pods a node may run.
  private static final int CPU_HOST_CPUS = 64;
  private static final int CPU_HOST_MEMORY_GIB = 256;
  // What the system and the kubelet keep for themselves.
  private static final int RESERVED_CPUS = 2;
  private static final int RESERVED_MEMORY_GIB = 16;

  private KwokNode() {}

  static Node gpu(String fleet, String name, int index, GpuProduct product, int gpus) {
    Node node =
        node(
            name,
            gpuLabels(fleet, name, index, product, gpus),
            CPUS_PER_GPU * Math.max(gpus, 1),
            MEMORY_GIB_PER_GPU * Math.max(gpus, 1));
    node.getSpec().setTaints(List.of(GpuFleet.taint()));
    return node;
  }

  static Node cpu(String fleet, String name, int index) {
    return node(name, hostLabels(fleet, name, index), CPU_HOST_CPUS, CPU_HOST_MEMORY_GIB);
  }

  private static Node node(String name, Map<String, String> labels, int cpus, int memoryGib) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .addToAnnotations(KWOK_ANNOTATION, "fake")
        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
        .addToAnnotations(
            RESOURCE_METRICS_PATH_ANNOTATION, "/metrics/nodes/" + name + "/metrics/resource")
        .endMetadata()
        .withNewSpec()
        .withProviderID("kwok://" + name)
        .endSpec()
        // The API server keeps a node's status on create; KWOK then keeps it Ready.
        .withNewStatus()
        .withCapacity(resources(cpus, memoryGib))
        .withAllocatable(resources(cpus - RESERVED_CPUS, memoryGib - RESERVED_MEMORY_GIB))
        .withNewNodeInfo()
        .withArchitecture("amd64")
        .withOperatingSystem("linux")
        .withOsImage("Ubuntu 24.04.3 LTS")
        .withKernelVersion("6.8.0-87-generic")
        .withContainerRuntimeVersion("containerd://2.1.4")
        .withKubeletVersion("v" + K8sBinaries.KUBERNETES_VERSION)
        .withKubeProxyVersion("")
        .withMachineID(name)
        .withSystemUUID(name)
        .withBootID(name)
        .endNodeInfo()
        .endStatus()
        .build();
  }

  /** What every node carries: KWOK's, the fleet's and the well-known labels of the kubelet. */
  private static Map<String, String> hostLabels(String fleet, String name, int index) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("type", "kwok");
    labels.put(FLEET_LABEL, fleet);
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("topology.kubernetes.io/zone", ZONES.get(index % ZONES.size()));
    return labels;
  }

  private static Map<String, String> gpuLabels(
      String fleet, String name, int index, GpuProduct product, int gpus) {
    var labels = hostLabels(fleet, name, index);
    // GPU feature discovery's labels, as on a real node with this driver and GPU.
    labels.put("nvidia.com/gpu.present", "true");
    labels.put("nvidia.com/gpu.product", product.productLabel());
    labels.put("nvidia.com/gpu.family", product.family());
    labels.put("nvidia.com/gpu.count", Integer.toString(gpus));
    labels.put("nvidia.com/gpu.memory", Long.toString(product.memoryMebibytes()));
    labels.put(
        "nvidia.com/gpu.compute.major",
        Integer.toString(product.major(product.cudaComputeCapability())));
    labels.put(
        "nvidia.com/gpu.compute.minor",
        Integer.toString(product.minor(product.cudaComputeCapability())));
    labels.put(
        "nvidia.com/cuda.driver.major", Integer.toString(product.major(product.driverVersion())));
    labels.put(
        "nvidia.com/cuda.driver.minor", Integer.toString(product.minor(product.driverVersion())));
    labels.put(
        "nvidia.com/cuda.runtime.major",
        Integer.toString(product.major(product.cudaDriverVersion())));
    labels.put(
        "nvidia.com/cuda.runtime.minor",
        Integer.toString(product.minor(product.cudaDriverVersion())));
    labels.put("nvidia.com/mig.capable", "true");
    return labels;
  }

  private static Map<String, Quantity> resources(int cpus, int memoryGib) {
    return Map.of(
        "cpu", new Quantity(Integer.toString(cpus)),
        "memory", new Quantity(memoryGib + "Gi"),
        "ephemeral-storage", new Quantity("3500Gi"),
        "pods", new Quantity("110"));
  }
}

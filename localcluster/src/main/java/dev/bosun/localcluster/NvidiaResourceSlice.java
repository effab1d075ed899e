package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.resource.v1.Device;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceAttribute;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceAttributeBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceCapacityBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSliceBuilder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The ResourceSlice NVIDIA's DRA kubelet plugin publishes for a node's whole GPUs: one pool named
 * after the node, one device per GPU named {@code gpu-<minor>}, with the driver's attributes and
 * the GPU's memory as capacity.
 */
public final class NvidiaResourceSlice {

  public static final String DRIVER = "gpu.nvidia.com";

  /** A ResourceSlice holds at most this many devices; the API server rejects more. */
  static final int MAX_DEVICES = 128;

  private NvidiaResourceSlice() {}

  /**
   * The slice for a node that exists: like the driver's, it is owned by the node, so the garbage
   * collector deletes it with the node.
   */
  public static ResourceSlice forNode(Node node, GpuProduct product, int gpus) {
    String nodeName = node.getMetadata().getName();
    if (gpus < 1 || gpus > MAX_DEVICES) {
      throw new IllegalArgumentException(
          "a node's slice holds 1 to " + MAX_DEVICES + " GPUs, not " + gpus);
    }
    return slice(node, IntStream.range(0, gpus).mapToObj(i -> gpu(nodeName, i, product)).toList());
  }

  /**
   * The slice of a node whose GPUs are all partitioned into MIG instances of one profile: the
   * driver then publishes the instances, not the GPUs.
   */
  public static ResourceSlice forMigNode(
      Node node, GpuProduct product, int gpus, GpuFleet.MigLayout mig) {
    String nodeName = node.getMetadata().getName();
    if (gpus < 1 || gpus * mig.perGpu() > MAX_DEVICES) {
      throw new IllegalArgumentException(
          "a node's slice holds 1 to " + MAX_DEVICES + " devices, not " + gpus * mig.perGpu());
    }
    return slice(
        node,
        IntStream.range(0, gpus)
            .boxed()
            .flatMap(
                gpu ->
                    IntStream.range(0, mig.perGpu())
                        .mapToObj(instance -> migDevice(nodeName, gpu, instance, product, mig)))
            .toList());
  }

  private static ResourceSlice slice(Node node, List<Device> devices) {
    String nodeName = node.getMetadata().getName();
    return new ResourceSliceBuilder()
        .withNewMetadata()
        .withName(nodeName + "-" + DRIVER)
        .addNewOwnerReference()
        .withApiVersion("v1")
        .withKind("Node")
        .withName(nodeName)
        .withUid(node.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withDriver(DRIVER)
        .withNodeName(nodeName)
        .withNewPool()
        .withName(nodeName)
        .withGeneration(1L)
        .withResourceSliceCount(1L)
        .endPool()
        .withDevices(devices)
        .endSpec()
        .build();
  }

  static Device gpu(String nodeName, int minor, GpuProduct product) {
    var attributes = new LinkedHashMap<String, DeviceAttribute>();
    attributes.put("type", string("gpu"));
    attributes.put("uuid", string(uuid(nodeName, minor)));
    putProductAttributes(attributes, product);
    attributes.put("addressingMode", string(product.addressingMode()));
    // Earlier driver releases published these two; selectors written for them keep working.
    attributes.put("index", integer(minor));
    attributes.put("minor", integer(minor));
    attributes.put("resource.kubernetes.io/pciBusID", string(product.pciBusId(minor)));
    return new DeviceBuilder()
        .withName("gpu-" + minor)
        .withAttributes(attributes)
        .withCapacity(
            Map.of(
                "memory",
                new DeviceCapacityBuilder()
                    .withValue(new Quantity(product.memoryMebibytes() + "Mi"))
                    .build()))
        .build();
  }

  static Device migDevice(
      String nodeName, int gpu, int instance, GpuProduct product, GpuFleet.MigLayout mig) {
    var attributes = new LinkedHashMap<String, DeviceAttribute>();
    attributes.put("type", string("mig"));
    attributes.put(
        "uuid",
        string(
            "MIG-"
                + UUID.nameUUIDFromBytes(
                    (nodeName + "/" + gpu + "/" + instance).getBytes(StandardCharsets.UTF_8))));
    attributes.put("parentUUID", string(uuid(nodeName, gpu)));
    attributes.put("profile", string(mig.profile()));
    putProductAttributes(attributes, product);
    attributes.put("parentIndex", integer(gpu));
    attributes.put("resource.kubernetes.io/pciBusID", string(product.pciBusId(gpu)));
    return new DeviceBuilder()
        .withName("gpu-%d-mig-%s-%d".formatted(gpu, mig.profile().replace(".", ""), instance))
        .withAttributes(attributes)
        .withCapacity(
            Map.of(
                "memory",
                new DeviceCapacityBuilder()
                    .withValue(new Quantity(mig.memoryMebibytes() + "Mi"))
                    .build()))
        .build();
  }

  /**
   * What whole GPUs and MIG instances both carry: the board's model, and its driver and CUDA
   * versions.
   */
  private static void putProductAttributes(
      Map<String, DeviceAttribute> attributes, GpuProduct product) {
    attributes.put("productName", string(product.productName()));
    attributes.put("brand", string(product.brand()));
    attributes.put("architecture", string(product.architecture()));
    attributes.put("cudaComputeCapability", version(product.cudaComputeCapability()));
    attributes.put("driverVersion", version(product.driverVersion()));
    attributes.put("cudaDriverVersion", version(product.cudaDriverVersion()));
  }

  /** A stable GPU UUID per node and minor, in NVML's {@code GPU-<uuid>} form. */
  static String uuid(String nodeName, int minor) {
    return "GPU-"
        + UUID.nameUUIDFromBytes((nodeName + "/" + minor).getBytes(StandardCharsets.UTF_8));
  }

  private static DeviceAttribute string(String value) {
    return new DeviceAttributeBuilder().withString(value).build();
  }

  private static DeviceAttribute version(String value) {
    return new DeviceAttributeBuilder().withVersion(value).build();
  }

  private static DeviceAttribute integer(long value) {
    return new DeviceAttributeBuilder().withInt(value).build();
  }

  static List<String> deviceNames(ResourceSlice slice) {
    return slice.getSpec().getDevices().stream().map(Device::getName).toList();
  }
}

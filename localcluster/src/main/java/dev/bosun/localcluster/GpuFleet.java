package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClassBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A fleet of simulated GPU nodes: KWOK nodes with real-looking capacity and labels, each with the
 * ResourceSlice NVIDIA's DRA driver would publish, so the real scheduler allocates real
 * ResourceClaims against them. The nodes are tainted {@code nvidia.com/gpu=present:NoSchedule}, as
 * GKE taints its GPU node pools: pods run there only if they tolerate it, as the GPU tiers do.
 *
 * @param name names the nodes ({@code <name>-0000}, ...) and labels them {@code
 *     bosun.dev/fleet=<name>}
 */
public record GpuFleet(
    KubernetesClient client, String name, GpuProduct product, int gpusPerNode, MigLayout mig)
    implements Fleet {

  public static final String DEVICE_CLASS = "gpu.nvidia.com";
  public static final String MIG_DEVICE_CLASS = "mig.nvidia.com";

  /** The key of the taint on every GPU node: {@code nvidia.com/gpu=present:NoSchedule}. */
  public static final String TAINT_KEY = "nvidia.com/gpu";

  /** Every GPU of a node split into {@code perGpu} MIG instances of one profile. */
  public record MigLayout(String profile, int perGpu, long memoryMebibytes) {
    /** An H100 80GB in its smallest profile: seven isolated slices of about 10 GB. */
    public static final MigLayout H100_1G_10GB = new MigLayout("1g.10gb", 7, 9856);
  }

  public static Taint taint() {
    return new TaintBuilder()
        .withKey(TAINT_KEY)
        .withValue("present")
        .withEffect("NoSchedule")
        .build();
  }

  /** What a pod needs to run on a GPU node; the GPU tiers carry the same. */
  public static Toleration toleration() {
    return new TolerationBuilder()
        .withKey(TAINT_KEY)
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .build();
  }

  /** A fleet of whole GPUs. */
  public GpuFleet(KubernetesClient client, String name, GpuProduct product, int gpusPerNode) {
    this(client, name, product, gpusPerNode, null);
  }

  /** The fleet `bosun dev up` makes: H100 nodes with eight GPUs each. */
  public static GpuFleet h100(KubernetesClient client) {
    return new GpuFleet(client, "gpu-node", GpuProduct.H100_80GB_HBM3, 8);
  }

  public GpuFleet {
    int devices = gpusPerNode * (mig == null ? 1 : mig.perGpu());
    if (gpusPerNode < 1 || devices > NvidiaResourceSlice.MAX_DEVICES) {
      throw new IllegalArgumentException(
          "a node publishes 1 to " + NvidiaResourceSlice.MAX_DEVICES + " devices, not " + devices);
    }
  }

  /**
   * The RuntimeClass NVIDIA's GPU operator installs, which GPU node pods such as Bosun's agent
   * name.
   */
  public static final String RUNTIME_CLASS = "nvidia";

  /**
   * What NVIDIA's driver and GPU operator install cluster-wide: the device classes for whole GPUs
   * and MIG instances, and the RuntimeClass {@value #RUNTIME_CLASS}; idempotent, so every start can
   * apply them.
   */
  public void installNvidiaClasses() {
    client.resource(deviceClass(DEVICE_CLASS, "gpu")).forceConflicts().serverSideApply();
    client.resource(deviceClass(MIG_DEVICE_CLASS, "mig")).forceConflicts().serverSideApply();
    client
        .resource(
            new RuntimeClassBuilder()
                .withNewMetadata()
                .withName(RUNTIME_CLASS)
                .endMetadata()
                .withHandler(RUNTIME_CLASS)
                .build())
        .forceConflicts()
        .serverSideApply();
  }

  private static DeviceClass deviceClass(String name, String type) {
    return new DeviceClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewSelector()
        .withNewCel()
        .withExpression(
            "device.driver == \""
                + NvidiaResourceSlice.DRIVER
                + "\" && "
                + "device.attributes[\""
                + NvidiaResourceSlice.DRIVER
                + "\"].type == \""
                + type
                + "\"")
        .endCel()
        .endSelector()
        .endSpec()
        .build();
  }

  /** Each node with its ResourceSlice: two requests per new node. */
  @Override
  public String addNode(int index) {
    String nodeName = nodeName(index);
    Node node =
        Fleet.createOrGet(
            client.nodes().resource(KwokNode.gpu(name, nodeName, index, product, gpusPerNode)));
    ResourceSlice slice =
        mig == null
            ? NvidiaResourceSlice.forNode(node, product, gpusPerNode)
            : NvidiaResourceSlice.forMigNode(node, product, gpusPerNode, mig);
    Fleet.createOrGet(client.resources(ResourceSlice.class).resource(slice));
    return nodeName;
  }

  public long publishedSlices() {
    return client
        .resources(ResourceSlice.class)
        .withField("spec.driver", NvidiaResourceSlice.DRIVER)
        .list()
        .getItems()
        .stream()
        .filter(
            slice ->
                slice.getSpec().getNodeName() != null
                    && slice.getSpec().getNodeName().startsWith(name + "-"))
        .count();
  }
}

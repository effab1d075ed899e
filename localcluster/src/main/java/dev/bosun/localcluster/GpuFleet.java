package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClassBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/**
 * A fleet of simulated GPU nodes: KWOK nodes with real-looking capacity and labels, each with the
 * ResourceSlice NVIDIA's DRA driver would publish, so the real scheduler allocates real
 * ResourceClaims against them.
 *
 * @param name names the nodes ({@code <name>-0000}, ...) and labels them {@code
 *     bosun.dev/fleet=<name>}
 */
public record GpuFleet(
    KubernetesClient client, String name, GpuProduct product, int gpusPerNode, MigLayout mig) {

  public static final String DEVICE_CLASS = "gpu.nvidia.com";
  public static final String MIG_DEVICE_CLASS = "mig.nvidia.com";

  /** Every GPU of a node split into {@code perGpu} MIG instances of one profile. */
  public record MigLayout(String profile, int perGpu, long memoryMebibytes) {
    /** An H100 80GB in its smallest profile: seven isolated slices of about 10 GB. */
    public static final MigLayout H100_1G_10GB = new MigLayout("1g.10gb", 7, 9856);
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
   * The device classes NVIDIA's driver installs, for whole GPUs and for MIG instances; idempotent,
   * so every start can apply them.
   */
  public void installDeviceClass() {
    client.resource(deviceClass(DEVICE_CLASS, "gpu")).forceConflicts().serverSideApply();
    client.resource(deviceClass(MIG_DEVICE_CLASS, "mig")).forceConflicts().serverSideApply();
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

  public String nodeName(int index) {
    return "%s-%04d".formatted(name, index);
  }

  /**
   * Adds nodes {@code first .. first+count-1} with their slices, many requests at a time, and
   * returns their names. Nodes and slices that exist already are left as they are.
   */
  public List<String> addNodes(int first, int count) {
    var permits = new Semaphore(KubeClients.MAX_CONCURRENT_REQUESTS / 2);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> created =
          IntStream.range(first, first + count)
              .mapToObj(
                  index ->
                      executor.submit(
                          () -> {
                            permits.acquire();
                            try {
                              return addNode(index);
                            } finally {
                              permits.release();
                            }
                          }))
              .toList();
      var names = new ArrayList<String>(count);
      for (var future : created) {
        names.add(future.get());
      }
      return names;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not create the GPU fleet: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the GPU fleet", e);
    }
  }

  /** Two requests per new node: create first and look only when it exists already. */
  private String addNode(int index) {
    String nodeName = nodeName(index);
    Node node =
        createOrGet(
            client
                .nodes()
                .resource(KwokGpuNode.build(name, nodeName, index, product, gpusPerNode)));
    ResourceSlice slice =
        mig == null
            ? NvidiaResourceSlice.forNode(node, product, gpusPerNode)
            : NvidiaResourceSlice.forMigNode(node, product, gpusPerNode, mig);
    createOrGet(client.resources(ResourceSlice.class).resource(slice));
    return nodeName;
  }

  private static <T> T createOrGet(Resource<T> resource) {
    try {
      return resource.create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return resource.get();
      }
      throw e;
    }
  }

  /**
   * Waits until {@code expected} of the fleet's nodes are Ready, that is, KWOK has taken them over.
   * It watches rather than lists: listing a thousand nodes four times a second would load the API
   * server it measures.
   */
  public void awaitReady(int expected, Duration timeout) {
    try (var nodes = client.nodes().withLabel(KwokGpuNode.FLEET_LABEL, name).inform()) {
      Poll.until(
          "%d %s nodes Ready".formatted(expected, name),
          timeout,
          Duration.ofMillis(100),
          () -> nodes.getStore().list().stream().filter(GpuFleet::isReady).count() >= expected);
    }
  }

  public long readyNodes() {
    return client.nodes().withLabel(KwokGpuNode.FLEET_LABEL, name).list().getItems().stream()
        .filter(GpuFleet::isReady)
        .count();
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

  static boolean isReady(Node node) {
    return node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Deletes the fleet's nodes; the garbage collector deletes their slices, which they own. */
  public void delete() {
    client.nodes().withLabel(KwokGpuNode.FLEET_LABEL, name).delete();
  }
}

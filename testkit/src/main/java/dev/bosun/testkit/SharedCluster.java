package dev.bosun.testkit;

import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.CpuFleet;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.LocalVolumeProvisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one local cluster of a test run, with its client, its CPU nodes and its GPU fleet. It stops
 * the cluster when closed only if it started it: a cluster someone started with {@code bosun dev
 * up} keeps running.
 */
public final class SharedCluster implements AutoCloseable {

  /** Nodes and GPUs of the fleet every test run gets; tests that need more add their own. */
  static final int DEFAULT_NODES = Integer.getInteger("bosun.testkit.nodes", 4);

  static final int DEFAULT_GPUS_PER_NODE = Integer.getInteger("bosun.testkit.gpusPerNode", 8);

  /** Untainted nodes without GPUs, where pods that do not tolerate the GPU taint run. */
  public static final int DEFAULT_CPU_NODES = Integer.getInteger("bosun.testkit.cpuNodes", 4);

  private final LocalCluster cluster;
  private final boolean startedHere;
  private final KubernetesClient client;
  private final GpuFleet fleet;
  private final CpuFleet cpuFleet;
  private final LocalVolumeProvisioner volumes;
  private final Thread stopOnExit;

  private SharedCluster(
      LocalCluster cluster,
      boolean startedHere,
      KubernetesClient client,
      GpuFleet fleet,
      CpuFleet cpuFleet,
      LocalVolumeProvisioner volumes) {
    this.cluster = cluster;
    this.startedHere = startedHere;
    this.client = client;
    this.fleet = fleet;
    this.cpuFleet = cpuFleet;
    this.volumes = volumes;
    // A test run killed before JUnit closes the store must not leave the components running.
    this.stopOnExit = new Thread(this::stopIfStartedHere, "bosun-local-cluster-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  static SharedCluster start(Consumer<String> progress) {
    KubeClients.preloadInBackground();
    var binaries = K8sBinaries.ensureBuilt(progress);
    var cluster = LocalCluster.atDefaultHome(binaries);
    var started = cluster.start(progress);
    var client = KubeClients.forKubeconfig(started.kubeconfig());
    try {
      var fleet =
          new GpuFleet(client, "test-gpu-node", GpuProduct.H100_80GB_HBM3, DEFAULT_GPUS_PER_NODE);
      fleet.installNvidiaClasses();
      fleet.addNodes(0, DEFAULT_NODES);
      // One node of MIG slices, for tiers such as gpu-s.
      var migFleet =
          new GpuFleet(
              client,
              "test-mig-node",
              GpuProduct.H100_80GB_HBM3,
              DEFAULT_GPUS_PER_NODE,
              GpuFleet.MigLayout.H100_1G_10GB);
      migFleet.addNodes(0, 1);
      var cpuFleet = new CpuFleet(client, "test-cpu-node");
      cpuFleet.addNodes(0, DEFAULT_CPU_NODES);
      fleet.awaitReady(DEFAULT_NODES, Duration.ofMinutes(1));
      migFleet.awaitReady(1, Duration.ofMinutes(1));
      cpuFleet.awaitReady(DEFAULT_CPU_NODES, Duration.ofMinutes(1));
      // The whole run's claims get volumes from this JVM, as `bosun dev up`'s get them from
      // `bosun dev volumes`; a second provisioner beside that one would only find its work done.
      var volumes =
          LocalVolumeProvisioner.start(
              client, cluster.home(), line -> System.err.println("[local cluster] " + line));
      return new SharedCluster(cluster, started.startedNow(), client, fleet, cpuFleet, volumes);
    } catch (RuntimeException e) {
      client.close();
      if (started.startedNow()) {
        cluster.stop();
      }
      throw e;
    }
  }

  public LocalCluster cluster() {
    return cluster;
  }

  public KubernetesClient client() {
    return client;
  }

  public GpuFleet fleet() {
    return fleet;
  }

  public CpuFleet cpuFleet() {
    return cpuFleet;
  }

  /** Where the local volume provisioner keeps each PV's directory. */
  public Path volumesDirectory() {
    return cluster.home().resolve("volumes");
  }

  @Override
  public void close() {
    volumes.close();
    client.close();
    stopIfStartedHere();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException alreadyExiting) {
      // The hook is running or about to; it does the same.
    }
  }

  private void stopIfStartedHere() {
    if (startedHere) {
      // What a test started beside the cluster (KEDA, say) would outlive it.
      new BackgroundProcesses(cluster.home()).stopAll(Duration.ofSeconds(10));
      cluster.stop();
    }
  }
}

package dev.bosun.cli.dev;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.testkit.GpuFleet;
import dev.bosun.testkit.GpuProduct;
import dev.bosun.testkit.K8sBinaries;
import dev.bosun.testkit.KubeClients;
import dev.bosun.testkit.LocalCluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bosun dev}: the local cluster of real Kubernetes components with a simulated GPU fleet
 * (DESIGN.md, "The local cluster").
 */
@Command(
    name = "dev",
    description = "Run a local Kubernetes cluster with a simulated GPU fleet.",
    mixinStandardHelpOptions = true,
    subcommands = {
      DevCommand.Up.class,
      DevCommand.Down.class,
      DevCommand.Status.class,
      DevCommand.Env.class
    })
public final class DevCommand {

  private static final PrintStream PROGRESS = System.err;

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Start the local cluster (or find the running one) and create the GPU fleet.")
  static final class Up implements Callable<Integer> {

    @Option(
        names = "--nodes",
        defaultValue = "4",
        description = "GPU nodes in the fleet (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
        names = "--gpus-per-node",
        defaultValue = "8",
        description = "GPUs per node (default: ${DEFAULT-VALUE}).")
    int gpusPerNode;

    @Option(
        names = "--mig-nodes",
        defaultValue = "0",
        description =
            "More nodes whose GPUs are split into seven MIG 1g.10gb instances each, for tiers"
                + " such as gpu-s (default: ${DEFAULT-VALUE}).")
    int migNodes;

    @Option(
        names = "--gpu-product",
        defaultValue = "NVIDIA H100 80GB HBM3",
        description = "GPU model of every node (default: ${DEFAULT-VALUE}).")
    String gpuProduct;

    @Override
    public Integer call() {
      var product = GpuProduct.named(gpuProduct).orElse(null);
      if (product == null) {
        PROGRESS.println(
            "Unknown GPU product '"
                + gpuProduct
                + "'. Known: "
                + GpuProduct.KNOWN.stream()
                    .map(GpuProduct::productName)
                    .collect(Collectors.joining(", ")));
        return ExitCodes.INVALID_INPUT;
      }
      long begin = System.nanoTime();
      KubeClients.preloadInBackground();
      var binaries = K8sBinaries.ensureBuilt(line -> PROGRESS.println("  " + line));
      var cluster = LocalCluster.atDefaultHome(binaries);
      var started = cluster.start(line -> PROGRESS.println(line));
      PROGRESS.println(
          started.startedNow()
              ? "Started the local cluster in %.1f s".formatted(seconds(started.took()))
              : "Found the local cluster already running");
      try (var client = KubeClients.forKubeconfig(started.kubeconfig())) {
        var fleet = new GpuFleet(client, "gpu-node", product, gpusPerNode);
        fleet.installDeviceClass();
        PROGRESS.printf(
            "Creating %d %s nodes with %d GPUs each%n", nodes, product.productName(), gpusPerNode);
        fleet.addNodes(0, nodes);
        fleet.awaitReady(nodes, Duration.ofMinutes(5));
        long slices = fleet.publishedSlices();
        if (migNodes > 0) {
          var migFleet =
              new GpuFleet(
                  client, "mig-node", product, gpusPerNode, GpuFleet.MigLayout.H100_1G_10GB);
          PROGRESS.printf(
              "Creating %d nodes with %d GPUs each split into MIG %s instances%n",
              migNodes, gpusPerNode, GpuFleet.MigLayout.H100_1G_10GB.profile());
          migFleet.addNodes(0, migNodes);
          migFleet.awaitReady(migNodes, Duration.ofMinutes(5));
          slices += migFleet.publishedSlices();
        }
        PROGRESS.printf(
            "%d nodes Ready, %d ResourceSlices published (%.1f s in all)%n",
            fleet.readyNodes() + migNodes,
            slices,
            seconds(Duration.ofNanos(System.nanoTime() - begin)));
      }
      System.out.println("export KUBECONFIG=" + cluster.kubeconfig());
      PROGRESS.println("Use it with: eval \"$(./bosun dev env)\"; kubectl get nodes");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Stop everything the local cluster runs.")
  static final class Down implements Callable<Integer> {
    @Override
    public Integer call() {
      var binaries = K8sBinaries.cached();
      if (binaries.isEmpty()) {
        PROGRESS.println("No Kubernetes binaries are built, so no local cluster can be running.");
        return ExitCodes.OK;
      }
      LocalCluster.atDefaultHome(binaries.get()).stop();
      PROGRESS.println("The local cluster is stopped.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Say what the local cluster runs.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      var binaries = K8sBinaries.cached();
      if (binaries.isEmpty()) {
        System.out.println("Kubernetes binaries: not built (the first `bosun dev up` builds them)");
        return ExitCodes.UNAVAILABLE;
      }
      var cluster = LocalCluster.atDefaultHome(binaries.get());
      System.out.println("Kubernetes binaries: " + binaries.get().directory());
      for (var component : cluster.status()) {
        System.out.printf(
            "%-24s %s%n",
            component.component(),
            component.running()
                ? "running  pid " + component.pid().orElseThrow() + ", log " + component.log()
                : "stopped");
      }
      if (!cluster.isRunning()) {
        System.out.println("The local cluster is not running.");
        return ExitCodes.UNAVAILABLE;
      }
      try (var client = KubeClients.forKubeconfig(cluster.kubeconfig())) {
        var fleet = GpuFleet.h100(client);
        System.out.printf(
            "GPU nodes Ready: %d, ResourceSlices: %d%n",
            fleet.readyNodes(), fleet.publishedSlices());
      }
      System.out.println("KUBECONFIG=" + cluster.kubeconfig());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "env",
      mixinStandardHelpOptions = true,
      description = "Print the shell line that points kubectl at the local cluster.")
  static final class Env implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("export KUBECONFIG=" + LocalCluster.defaultKubeconfig());
      return ExitCodes.OK;
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}

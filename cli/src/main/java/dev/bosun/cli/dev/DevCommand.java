package dev.bosun.cli.dev;

import dev.bosun.cli.Bosun;
import dev.bosun.cli.sandbox.SandboxCommand;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.localcluster.CpuFleet;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.localcluster.HttpProbe;
import dev.bosun.localcluster.ImageRegistry;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.PodNetwork;
import dev.bosun.localcluster.ToolBinary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bosun dev}: the local cluster of real Kubernetes components with a simulated GPU fleet
 * (localcluster/README.md).
 */
@Command(
    name = "dev",
    description = "Run a local Kubernetes cluster with a simulated GPU fleet.",
    mixinStandardHelpOptions = true,
    subcommands = {
      DevCommand.Up.class,
      DevCommand.Operator.class,
      DevCommand.Router.class,
      AgentsCommand.class,
      FaultCommand.class,
      VolumesCommand.class,
      SandboxServersCommand.class,
      ModelServersCommand.class,
      LoadCommand.class,
      AutoscalingCommand.class,
      DevCommand.Down.class,
      DevCommand.Status.class,
      DevCommand.Env.class
    })
public final class DevCommand {

  private static final PrintStream PROGRESS = System.err;

  /** How long a background process gets between SIGTERM and SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /**
   * In the local cluster's home: {@code 127.0.0.1:<port>} of the router's KEDA push scaler, for an
   * Environment's {@code spec.autoscaling.scalerAddress}.
   */
  public static final String SCALER_ADDRESS_FILE = "scaler-address";

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description =
          "Start the local cluster (or find the running one), create the GPU and CPU nodes, and"
              + " start the volume provisioner and the stand-in sandbox servers in the"
              + " background.")
  static final class Up implements Callable<Integer> {

    @Option(
        names = "--nodes",
        defaultValue = "4",
        description = "GPU nodes in the fleet (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
        names = "--cpu-nodes",
        defaultValue = "2",
        description =
            "Nodes without GPUs, where CPU tiers run: the GPU nodes are tainted"
                + " nvidia.com/gpu=present:NoSchedule (default: ${DEFAULT-VALUE}).")
    int cpuNodes;

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
        names = "--autoscaling",
        description =
            "Also start KEDA (operator and external-metrics adapter) and metrics-server, built from"
                + " their Go modules on first use, as `bosun dev autoscaling` does.")
    boolean autoscaling;

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
      if (cpuNodes < 0) {
        PROGRESS.println("--cpu-nodes: must be 0 or more, not " + cpuNodes);
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
        fleet.installNvidiaClasses();
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
        var cpuFleet = CpuFleet.of(client);
        PROGRESS.printf("Creating %d nodes without GPUs%n", cpuNodes);
        cpuFleet.addNodes(0, cpuNodes);
        cpuFleet.awaitReady(cpuNodes, Duration.ofMinutes(5));
        PROGRESS.printf(
            "%d nodes Ready, %d ResourceSlices published (%.1f s in all)%n",
            fleet.readyNodes() + migNodes + cpuFleet.readyNodes(),
            slices,
            seconds(Duration.ofNanos(System.nanoTime() - begin)));
      }
      // Sandboxes need volumes and, since KWOK pods run nothing, something answering for them.
      var progress = new PrintWriter(PROGRESS, true);
      for (var service : List.of(VolumesCommand.SERVICE, SandboxServersCommand.SERVICE)) {
        int exitCode = service.startInBackground(progress);
        if (exitCode != ExitCodes.OK) {
          return exitCode;
        }
      }
      // Bosun's images are pushed here (hack/push-images.sh); pods here run no containers, but
      // the manifests name the images by this registry's digests.
      String registry =
          new ImageRegistry(
                  ToolBinary.CRANE.ensureBuilt(line -> PROGRESS.println(line)), cluster.home())
              .start();
      PROGRESS.println("OCI registry at " + registry + " (" + ImageRegistry.ADDRESS_FILE + ")");
      if (autoscaling) {
        int exitCode = AutoscalingCommand.start(cluster, PROGRESS);
        if (exitCode != ExitCodes.OK) {
          return exitCode;
        }
      }
      System.out.println("export KUBECONFIG=" + cluster.kubeconfig());
      PROGRESS.println("Use it with: eval \"$(./bosun dev env)\"; kubectl get nodes");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "operator",
      mixinStandardHelpOptions = true,
      description =
          "Start the Bosun operator in the background against the local cluster, once Bosun's CRDs"
              + " are installed; `bosun dev down` stops it.")
  static final class Operator implements Callable<Integer> {

    private static final String NAME = "operator";
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(60);

    @Option(
        names = "--http-port",
        defaultValue = "18080",
        paramLabel = "PORT",
        description = "Port of the operator's /metrics and /healthz (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Override
    public Integer call() {
      return serveInBackground(
          NAME,
          httpPort,
          HEALTHY_WITHIN,
          this::operatorCommand,
          started ->
              PROGRESS.printf(
                  "The operator runs, pid %d (log: %s, metrics: http://127.0.0.1:%d/metrics)%n",
                  started.pid(), started.log(), httpPort));
    }

    /** This CLI's own JVM, options and class path, running {@code bosun operator}. */
    private List<String> operatorCommand(Path kubeconfig) {
      return thisCli(
          "operator",
          "--kubeconfig",
          kubeconfig.toString(),
          "--http-port",
          Integer.toString(httpPort));
    }
  }

  /** Whether a process of ours answers 200 on {@code http://127.0.0.1:<port>/healthz}. */
  static boolean healthy(HttpClient http, int port) {
    return HttpProbe.answersOk(http, URI.create("http://127.0.0.1:" + port + "/healthz"));
  }

  /**
   * Starts {@code name} (a {@code bosun} command line for the local cluster's kubeconfig) in the
   * background unless it runs already, and waits until it answers on {@code /healthz}.
   */
  static int serveInBackground(
      String name,
      int port,
      Duration within,
      Function<Path, List<String>> command,
      Consumer<BackgroundProcesses.Running> onStarted) {
    Path kubeconfig = LocalCluster.defaultKubeconfig();
    if (!Files.exists(kubeconfig)) {
      PROGRESS.println("The local cluster is not running: start it with `bosun dev up`.");
      return ExitCodes.UNAVAILABLE;
    }
    var processes = BackgroundProcesses.atDefaultHome();
    var running = processes.running(name);
    if (running.isPresent()) {
      PROGRESS.printf(
          "The %s already runs, pid %d (log: %s)%n",
          name, running.get().pid(), running.get().log());
      return ExitCodes.OK;
    }
    var started = processes.start(name, command.apply(kubeconfig));
    Optional<String> failure;
    try (var http = HttpClient.newHttpClient()) {
      failure =
          processes.awaitReady(
              started,
              "the " + name + " answering on /healthz",
              within,
              STOP_GRACE,
              () -> healthy(http, port));
    }
    if (failure.isPresent()) {
      PROGRESS.println("The " + name + " did not start: " + failure.get());
      return ExitCodes.FAILED;
    }
    onStarted.accept(started);
    return ExitCodes.OK;
  }

  @Command(
      name = "router",
      mixinStandardHelpOptions = true,
      description =
          "Start the sandbox router in the background against the local cluster, dialling the"
              + " stand-in sandbox servers through <home>/pod-network, once Bosun's CRDs are"
              + " installed; `bosun sandbox url` finds it; `bosun dev down` stops it.")
  static final class Router implements Callable<Integer> {

    private static final String NAME = "router";
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(60);

    @Option(
        names = "--port",
        defaultValue = "18081",
        paramLabel = "PORT",
        description = "Port the router listens on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--scaler-port",
        defaultValue = "19090",
        paramLabel = "PORT",
        description = "Port of the router's KEDA external push scaler (default: ${DEFAULT-VALUE}).")
    int scalerPort;

    @Option(
        names = "--wake-timeout",
        defaultValue = "30s",
        paramLabel = "DURATION",
        description =
            "How long a request waits for a suspended sandbox (default: ${DEFAULT-VALUE}).")
    String wakeTimeout;

    @Override
    public Integer call() {
      Path podNetwork = PodNetwork.atHome(LocalCluster.defaultHome()).directory();
      try {
        // The stand-in servers fill it as sandbox pods run; the router checks it exists.
        Files.createDirectories(podNetwork);
      } catch (IOException e) {
        PROGRESS.println("Cannot make the simulated pod network's directory: " + e);
        return ExitCodes.FAILED;
      }
      String url = "http://127.0.0.1:" + port;
      int exitCode =
          serveInBackground(
              NAME,
              port,
              HEALTHY_WITHIN,
              kubeconfig ->
                  thisCli(
                      "router",
                      "--kubeconfig",
                      kubeconfig.toString(),
                      "--port",
                      Integer.toString(port),
                      "--scaler-port",
                      Integer.toString(scalerPort),
                      "--wake-timeout",
                      wakeTimeout,
                      "--pod-network",
                      podNetwork.toString()),
              started ->
                  PROGRESS.printf(
                      "The router runs at %s, its scaler at 127.0.0.1:%d, pid %d (log: %s)%n",
                      url, scalerPort, started.pid(), started.log()));
      if (exitCode != ExitCodes.OK) {
        return exitCode;
      }
      try {
        Files.writeString(
            LocalCluster.defaultHome().resolve(SandboxCommand.ROUTER_URL_FILE), url + "\n");
        // What an Environment's spec.autoscaling.scalerAddress says on the local cluster.
        Files.writeString(
            LocalCluster.defaultHome().resolve(SCALER_ADDRESS_FILE),
            "127.0.0.1:" + scalerPort + "\n");
      } catch (IOException e) {
        PROGRESS.println("The router runs, but its address could not be recorded: " + e);
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description =
          "Stop what `bosun dev` started in the background (the operator, the router, the agents,"
              + " the volume provisioner, the sandbox and model servers, KEDA), then everything"
              + " the local cluster runs.")
  static final class Down implements Callable<Integer> {
    @Override
    public Integer call() {
      // What `bosun dev` started in the background goes first: it talks to the cluster.
      for (var stopped : BackgroundProcesses.atDefaultHome().stopAll(STOP_GRACE)) {
        PROGRESS.printf("Stopped the %s (pid %d)%n", stopped.name(), stopped.pid());
      }
      try {
        Files.deleteIfExists(LocalCluster.defaultHome().resolve(SandboxCommand.ROUTER_URL_FILE));
        Files.deleteIfExists(LocalCluster.defaultHome().resolve(SCALER_ADDRESS_FILE));
      } catch (IOException e) {
        PROGRESS.println("Could not remove the router's recorded address: " + e.getMessage());
      }
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
      for (var process : BackgroundProcesses.atDefaultHome().running()) {
        System.out.printf(
            "%-24s running  pid %d, log %s%n", process.name(), process.pid(), process.log());
      }
      if (!cluster.isRunning()) {
        System.out.println("The local cluster is not running.");
        return ExitCodes.UNAVAILABLE;
      }
      try (var client = KubeClients.forKubeconfig(cluster.kubeconfig())) {
        var fleet = GpuFleet.h100(client);
        System.out.printf(
            "GPU nodes Ready: %d, ResourceSlices: %d, CPU nodes Ready: %d%n",
            fleet.readyNodes(), fleet.publishedSlices(), CpuFleet.of(client).readyNodes());
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

  /**
   * A command line running this CLI with {@code arguments} in a JVM like this one (its options and
   * class path): what {@code bosun dev} starts in the background.
   */
  static List<String> thisCli(String... arguments) {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Bosun.class.getName()));
    command.addAll(List.of(arguments));
    return command;
  }
}

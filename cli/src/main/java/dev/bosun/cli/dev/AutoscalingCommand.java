package dev.bosun.cli.dev;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.localcluster.ClusterStartException;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.Keda;
import dev.bosun.localcluster.KedaBinaries;
import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.MetricsServer;
import dev.bosun.localcluster.ToolBinary;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code bosun dev autoscaling}: KEDA (its operator and external-metrics adapter, built from its Go
 * module by {@code hack/build-keda.sh}) and metrics-server (built by {@code hack/build-tools.sh},
 * for HPAs on cpu and memory) on the running local cluster; {@code bosun dev up --autoscaling} does
 * the same as part of the start.
 */
@Command(
    name = "autoscaling",
    mixinStandardHelpOptions = true,
    description =
        "Start KEDA (operator and external-metrics adapter) and metrics-server, built from their"
            + " Go modules, on the running local cluster and register the external and resource"
            + " metrics APIs; `bosun dev down` stops them.")
public final class AutoscalingCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    var binaries = K8sBinaries.cached();
    if (binaries.isEmpty() || !LocalCluster.atDefaultHome(binaries.get()).isRunning()) {
      System.err.println("The local cluster is not running: start it with `bosun dev up`.");
      return ExitCodes.UNAVAILABLE;
    }
    return start(LocalCluster.atDefaultHome(binaries.get()), System.err);
  }

  /**
   * Builds KEDA and metrics-server if needed and starts them on {@code cluster}; says what it did
   * on {@code progress}.
   */
  static int start(LocalCluster cluster, PrintStream progress) {
    var keda = new Keda(KedaBinaries.ensureBuilt(line -> progress.println("  " + line)), cluster);
    var metricsServer =
        new MetricsServer(
            ToolBinary.METRICS_SERVER.ensureBuilt(line -> progress.println("  " + line)), cluster);
    try (var client = KubeClients.forKubeconfig(cluster.kubeconfig())) {
      var started = keda.start(client, progress::println);
      if (started.startedNow()) {
        progress.printf(
            "Started KEDA %s in %.1f s (logs: %s, %s)%n",
            KedaBinaries.KEDA_VERSION,
            started.took().toMillis() / 1000.0,
            started.operatorLog(),
            started.adapterLog());
      } else {
        progress.printf(
            "KEDA %s already runs (logs: %s, %s)%n",
            KedaBinaries.KEDA_VERSION, started.operatorLog(), started.adapterLog());
      }
      var metrics = metricsServer.start(client, progress::println);
      if (metrics.startedNow()) {
        progress.printf(
            "Started metrics-server %s in %.1f s (log: %s)%n",
            ToolBinary.METRICS_SERVER.version(), metrics.took().toMillis() / 1000.0, metrics.log());
      } else {
        progress.printf(
            "metrics-server %s already runs (log: %s)%n",
            ToolBinary.METRICS_SERVER.version(), metrics.log());
      }
      return ExitCodes.OK;
    } catch (ClusterStartException e) {
      progress.println(e.getMessage());
      return ExitCodes.FAILED;
    }
  }
}

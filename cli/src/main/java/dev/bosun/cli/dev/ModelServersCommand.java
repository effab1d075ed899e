package dev.bosun.cli.dev;

import dev.bosun.agent.SimulatedNodeFiles;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.localcluster.GpuUtilisation;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.ModelServerSettings;
import dev.bosun.localcluster.ModelServers;
import dev.bosun.localcluster.PodNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bosun dev model-servers}: a stand-in model server for every running pod of an Inference
 * Workload, registered in the simulated pod network ({@code <home>/pod-network}), in the
 * background; {@code bosun dev load} starts it when it does not run.
 */
@Command(
    name = "model-servers",
    mixinStandardHelpOptions = true,
    description = {
      "Start stand-in LLM servers for the local cluster's Inference Workload pods, registered in"
          + " <home>/pod-network, in the background; `bosun dev load` starts them if they do not"
          + " run, `bosun dev down` stops them.",
      "Each pod's server runs at most --capacity requests at once for --service-time each, queues"
          + " up to --max-waiting more and answers 503 past that; it serves POST /v1/completions,"
          + " GET /health and GET /metrics with vLLM's vllm:num_requests_running,"
          + " vllm:num_requests_waiting and vllm:kv_cache_usage_perc."
    })
public final class ModelServersCommand implements Callable<Integer> {

  static final LocalService SERVICE =
      new LocalService("model-servers", "the stand-in model servers");

  @Spec CommandSpec spec;

  @Option(
      names = "--capacity",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Requests one replica serves at once, 1 to "
              + ModelServerSettings.MAX_CAPACITY
              + " (default: ${DEFAULT-VALUE}).")
  int capacity;

  @Option(
      names = "--service-time",
      defaultValue = "500ms",
      paramLabel = "DURATION",
      description =
          "How long each request takes once running, such as 500ms or 2s, at most 1m (default:"
              + " ${DEFAULT-VALUE}).")
  String serviceTime;

  @Option(
      names = "--max-waiting",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "Requests one replica queues beyond its capacity before answering 503, 0 to "
              + ModelServerSettings.MAX_WAITING
              + " (default: ${DEFAULT-VALUE}).")
  int maxWaiting;

  @Option(
      names = "--foreground",
      hidden = true,
      description = "Run the servers in this process (what the background process runs).")
  boolean foreground;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    ModelServerSettings settings;
    try {
      settings =
          new ModelServerSettings(
              capacity, ModelServerSettings.parseServiceTime(serviceTime), maxWaiting);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    return foreground
        ? SERVICE.runInForeground(
            err,
            client ->
                ModelServers.start(
                    client,
                    PodNetwork.atHome(LocalCluster.defaultHome()),
                    settings,
                    simulatedNvml(),
                    LocalService.logTo(err)))
        : SERVICE.startInBackground(
            err,
            "--capacity",
            Integer.toString(capacity),
            "--service-time",
            serviceTime,
            "--max-waiting",
            Integer.toString(maxWaiting));
  }

  /** The simulated GPU nodes' NVML, which `bosun dev agents` reads. */
  private static GpuUtilisation simulatedNvml() {
    Path agents = AgentsCommand.agentsDir();
    return (gpu, percent) -> {
      // A node no agent has booted has no NVML anyone reads: nothing to write.
      var files = SimulatedNodeFiles.find(agents, gpu.node());
      if (files.isEmpty()) return;
      try {
        files.get().utilise(gpu.index(), percent);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}

package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodResourceClaimStatus;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local cluster's stand-in model servers: for every Running pod of an Inference Workload with
 * an IP, a {@link ModelServer} on a free loopback port, registered in the {@link PodNetwork} under
 * the pod's IP and port (see {@link StandInServers}), so that load sent to a Workload queues as it
 * would on an LLM server of fixed capacity and shows in vLLM's metrics.
 *
 * <p>Once a second each server's busy share since the last report becomes its pod's CPU usage
 * annotation ({@link ModelServerPlan#CPU_USAGE_ANNOTATION}, written only when it changed), which
 * KWOK serves as the kubelet's resource metrics: so metrics-server and an HPA on cpu see the load.
 * The same share is the utilisation of the GPUs the pod holds ({@link PodGpus}, from its
 * ResourceClaims), written to the simulated nodes' NVML ({@link GpuUtilisation}), where the node
 * agents read it and label it with the pod: so a scaler on GPU utilisation sees the load too.
 */
public final class ModelServers implements AutoCloseable {

  private static final long REPORT_EVERY_MILLIS = 1000;

  private final KubernetesClient client;
  private final GpuUtilisation gpuUtilisation;
  private final Consumer<String> log;
  private final StandInServers<ModelServerPlan.Replica> servers;

  /** The servers running now, by pod uid, with the usage last written for each. */
  private final Map<String, Reported> reported = new ConcurrentHashMap<>();

  private final ScheduledExecutorService reporter =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("bosun-model-servers-usage").factory());

  private static final class Reported {
    final ModelServerPlan.Replica replica;
    final ModelServer server;
    String usage = "";

    /** The GPUs the pod holds; null until read. */
    List<PodGpus.Gpu> gpus;

    int gpuPercent = -1;

    /** Set when the server closes; its GPUs are idle from then on. */
    boolean closed;

    Reported(ModelServerPlan.Replica replica, ModelServer server) {
      this.replica = replica;
      this.server = server;
    }
  }

  private ModelServers(
      KubernetesClient client,
      PodNetwork network,
      ModelServerSettings settings,
      GpuUtilisation gpuUtilisation,
      Consumer<String> log) {
    this.client = client;
    this.gpuUtilisation = gpuUtilisation;
    this.log = log;
    this.servers =
        new StandInServers<>(
            "model-servers",
            client,
            ModelServerPlan.selector(),
            network,
            log,
            ModelServerPlan::of,
            (replica, requests) -> {
              replica
                  .behaviour()
                  .problems()
                  .forEach(
                      problem ->
                          log.accept("model-servers: " + replica.podName() + ": " + problem));
              return reporting(replica, ModelServer.start(replica, settings, requests));
            });
    reporter.scheduleAtFixedRate(
        this::reportUsage, REPORT_EVERY_MILLIS, REPORT_EVERY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Serves the Inference Workloads' pods of the cluster {@code client} talks to until closed.
   *
   * @param gpuUtilisation where each server's load goes as its pod's GPUs' utilisation
   */
  public static ModelServers start(
      KubernetesClient client,
      PodNetwork network,
      ModelServerSettings settings,
      GpuUtilisation gpuUtilisation,
      Consumer<String> log) {
    return new ModelServers(client, network, settings, gpuUtilisation, log);
  }

  public PodNetwork network() {
    return servers.network();
  }

  /** The server, reported on from now until it closes. */
  private StandInServers.Server reporting(ModelServerPlan.Replica replica, ModelServer server) {
    var reporting = new Reported(replica, server);
    reported.put(replica.podUid(), reporting);
    return new StandInServers.Server() {
      @Override
      public InetSocketAddress address() {
        return server.address();
      }

      @Override
      public Duration drainGrace() {
        return server.drainGrace();
      }

      @Override
      public void close() {
        reported.remove(replica.podUid());
        server.close();
        // The pod is gone: its GPUs go idle, whatever a report in flight says.
        synchronized (reporting) {
          reporting.closed = true;
          reportGpus(reporting, 0);
        }
      }
    };
  }

  private void reportUsage() {
    for (var each : reported.values()) {
      double busy = each.server.busyFraction();
      reportCpu(each, busy);
      synchronized (each) {
        if (!each.closed) reportGpus(each, (int) Math.round(busy * 100));
      }
    }
  }

  private void reportCpu(Reported each, double busy) {
    String usage = each.replica.cpuUsage(busy);
    if (usage.equals(each.usage)) return;
    try {
      client
          .pods()
          .inNamespace(each.replica.namespace())
          .withName(each.replica.podName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\""
                  + ModelServerPlan.CPU_USAGE_ANNOTATION
                  + "\":\""
                  + usage
                  + "\"}}}");
      each.usage = usage;
    } catch (KubernetesClientException e) {
      // The pod went (its server stops soon) or the API server is busy: the next second retries.
      log.accept("model-servers: " + each.replica.podName() + ": cpu usage: " + e.getMessage());
    }
  }

  private void reportGpus(Reported each, int percent) {
    if (gpuUtilisation == GpuUtilisation.NONE || percent == each.gpuPercent) return;
    try {
      if (each.gpus == null) each.gpus = gpusOf(each.replica);
      for (PodGpus.Gpu gpu : each.gpus) gpuUtilisation.set(gpu, percent);
      each.gpuPercent = percent;
    } catch (RuntimeException e) {
      // The claims or the node's files are not there yet: the next second retries.
      log.accept("model-servers: " + each.replica.podName() + ": gpu utilisation: " + e);
    }
  }

  /** The GPUs the pod holds, from its ResourceClaims' allocations. */
  private List<PodGpus.Gpu> gpusOf(ModelServerPlan.Replica replica) {
    Pod pod = client.pods().inNamespace(replica.namespace()).withName(replica.podName()).get();
    if (pod == null || pod.getStatus() == null) return List.of();
    List<ResourceClaim> claims = new ArrayList<>();
    for (PodResourceClaimStatus status : pod.getStatus().getResourceClaimStatuses()) {
      if (status.getResourceClaimName() == null) continue;
      ResourceClaim claim =
          client
              .resources(ResourceClaim.class)
              .inNamespace(replica.namespace())
              .withName(status.getResourceClaimName())
              .get();
      if (claim != null) claims.add(claim);
    }
    return PodGpus.of(claims);
  }

  /** Stops every server and removes its file; closing again does nothing. */
  @Override
  public void close() {
    reporter.shutdownNow();
    servers.close();
  }
}

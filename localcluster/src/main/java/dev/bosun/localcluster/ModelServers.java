package dev.bosun.localcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetSocketAddress;
import java.time.Duration;
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
 */
public final class ModelServers implements AutoCloseable {

  private static final long REPORT_EVERY_MILLIS = 1000;

  private final KubernetesClient client;
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

    Reported(ModelServerPlan.Replica replica, ModelServer server) {
      this.replica = replica;
      this.server = server;
    }
  }

  private ModelServers(
      KubernetesClient client,
      PodNetwork network,
      ModelServerSettings settings,
      Consumer<String> log) {
    this.client = client;
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

  /** Serves the Inference Workloads' pods of the cluster {@code client} talks to until closed. */
  public static ModelServers start(
      KubernetesClient client,
      PodNetwork network,
      ModelServerSettings settings,
      Consumer<String> log) {
    return new ModelServers(client, network, settings, log);
  }

  public PodNetwork network() {
    return servers.network();
  }

  /** The server, reported on from now until it closes. */
  private StandInServers.Server reporting(ModelServerPlan.Replica replica, ModelServer server) {
    reported.put(replica.podUid(), new Reported(replica, server));
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
      }
    };
  }

  private void reportUsage() {
    for (var each : reported.values()) {
      String usage = each.replica.cpuUsage(each.server.busyFraction());
      if (usage.equals(each.usage)) {
        continue;
      }
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
  }

  /** Stops every server and removes its file; closing again does nothing. */
  @Override
  public void close() {
    reporter.shutdownNow();
    servers.close();
  }
}

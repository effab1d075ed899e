package dev.bosun.localcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * metrics-server on the local cluster, so that {@code kubectl top} and an HPA on cpu or memory read
 * real values: a background process of the cluster's home (so {@code bosun dev down} stops it) and
 * the APIService {@value #API_SERVICE} through which kube-controller-manager's HPA controller reads
 * pod metrics. The usage it reads is KWOK's, which plays each kubelet's resource metrics endpoint
 * from {@code kwok-metrics.yaml} (pods' usage annotations, which the stand-in model servers write).
 *
 * <p>It serves with kwokctl's admin certificate, which names {@value #SERVING_NAME} ({@link
 * LocalCluster} asks kwokctl for that name), and authenticates the aggregator's client certificate
 * against the cluster's CA, as {@link Keda}'s adapter does.
 */
public final class MetricsServer {

  public static final String NAMESPACE = "kube-system";
  public static final String SERVICE = "metrics-server";
  public static final String GROUP = "metrics.k8s.io";
  public static final String VERSION = "v1beta1";
  public static final String API_SERVICE = VERSION + "." + GROUP;

  /** The name the aggregator expects in the server's certificate. */
  public static final String SERVING_NAME = SERVICE + "." + NAMESPACE + ".svc";

  /** The background process's name, and its log's in the cluster's home. */
  public static final String PROCESS = "metrics-server";

  /**
   * Its readiness needs a first scrape of every node, one {@link MetricsServerCommand#RESOLUTION}
   * after it starts; then the aggregator's next look.
   */
  private static final Duration AVAILABLE_WITHIN = Duration.ofSeconds(90);

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path binary;
  private final LocalCluster cluster;
  private final BackgroundProcesses processes;

  public MetricsServer(Path binary, LocalCluster cluster) {
    this.binary = binary;
    this.cluster = cluster;
    this.processes = new BackgroundProcesses(cluster.home());
  }

  /** What a start found or did. */
  public record Started(boolean startedNow, Duration took, Path log) {}

  /**
   * Starts metrics-server on the running cluster, or finds it running. On failure it is not left
   * running, and the exception says why with the end of its log.
   */
  public Started start(KubernetesClient client, Consumer<String> progress) {
    long begin = System.nanoTime();
    if (isRunning(client)) {
      return started(false, begin);
    }
    // An APIService left from before would say Available until the aggregator looks again.
    stop(client);
    Path pki = cluster.pkiDirectory();
    byte[] caBundle = readCertificates(pki);
    var command =
        new MetricsServerCommand(
            binary, cluster.kubeconfig(), pki, FreePorts.onLoopback(1, PROCESS).getFirst());
    progress.accept("Starting metrics-server " + ToolBinary.METRICS_SERVER.version());
    var process = processes.start(PROCESS, command.arguments());
    AggregatedApis.register(client, MetricsServerCommand.service(), command.apiService(caBundle));
    processes
        .awaitReady(
            process,
            "APIService " + API_SERVICE + " Available",
            AVAILABLE_WITHIN,
            STOP_GRACE,
            () -> AggregatedApis.available(client, API_SERVICE))
        .ifPresent(
            failure -> {
              String says = AggregatedApis.availability(client, API_SERVICE).orElse("nothing yet");
              stop(client);
              throw new ClusterStartException(
                  PROCESS + " did not start: " + failure + "\nThe APIService says: " + says);
            });
    return started(true, begin);
  }

  private Started started(boolean now, long begin) {
    return new Started(now, Duration.ofNanos(System.nanoTime() - begin), processes.log(PROCESS));
  }

  /** The process runs and the aggregator reaches it. */
  public boolean isRunning(KubernetesClient client) {
    return processes.running(PROCESS).isPresent() && AggregatedApis.available(client, API_SERVICE);
  }

  /** Stops the process and removes the APIService (see {@link AggregatedApis#unregister}). */
  public void stop(KubernetesClient client) {
    processes.stop(PROCESS, STOP_GRACE);
    AggregatedApis.unregister(client, API_SERVICE);
  }

  /** The cluster's CA, after checking that the serving certificate names {@value SERVING_NAME}. */
  private static byte[] readCertificates(Path pki) {
    try {
      if (!AggregatedApis.certificateNames(pki.resolve("admin.crt"), SERVING_NAME)) {
        throw new ClusterStartException(
            "The local cluster's certificate "
                + pki.resolve("admin.crt")
                + " does not name "
                + SERVING_NAME
                + ", which the API server's aggregator checks when it calls metrics-server: the"
                + " cluster was started by an older Bosun. Restart it: `bosun dev down`, then"
                + " `bosun dev up --autoscaling`.");
      }
      return Files.readAllBytes(pki.resolve("ca.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the local cluster's certificates in " + pki, e);
    }
  }
}

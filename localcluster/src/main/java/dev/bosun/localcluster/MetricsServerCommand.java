package dev.bosun.localcluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How metrics-server runs beside the local cluster, and the objects that let the aggregator reach
 * it: pure, so that every flag is checked without starting anything.
 *
 * <p>It scrapes each node's {@code /metrics/resource} where the node's status says its kubelet
 * listens: KWOK's controller, which plays every kubelet and serves the usage {@code
 * kwok-metrics.yaml} describes. A KWOK node's only address is its Hostname, {@code localhost},
 * where KWOK's controller listens, so it is the one asked for. KWOK serves with the cluster's admin
 * certificate, not one issued to each node, so the kubelet's certificate is not verified there (as
 * kwokctl itself runs metrics-server); the aggregator's side is verified (see {@link
 * AggregatedApis}).
 *
 * @param certificates kwokctl's pki directory: {@code ca.crt}, {@code admin.crt}, {@code admin.key}
 * @param port the HTTPS port of the metrics API, on loopback
 */
record MetricsServerCommand(Path binary, Path kubeconfig, Path certificates, int port) {

  /**
   * How often it scrapes every node: upstream's manifest's value (its own default is 60 s), which
   * also bounds how stale the HPA's CPU reading is.
   */
  static final Duration RESOLUTION = Duration.ofSeconds(15);

  List<String> arguments() {
    return List.of(
        binary.toString(),
        "--bind-address=127.0.0.1",
        "--secure-port=" + port,
        "--tls-cert-file=" + certificates.resolve("admin.crt"),
        "--tls-private-key-file=" + certificates.resolve("admin.key"),
        // What a pod's service account would give: the client for nodes and pods, and the
        // delegated authentication (the aggregator's client certificate, checked against the
        // cluster's CA) and authorisation (SubjectAccessReview).
        "--kubeconfig=" + kubeconfig,
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--kubelet-preferred-address-types=Hostname",
        "--kubelet-use-node-status-port",
        "--kubelet-insecure-tls",
        "--metric-resolution=" + RESOLUTION.toSeconds() + "s");
  }

  static String service() {
    return AggregatedApis.service(MetricsServer.SERVICE, MetricsServer.NAMESPACE);
  }

  /** The resource metrics API, trusted through {@code caBundle}, the cluster's CA. */
  String apiService(byte[] caBundle) {
    return AggregatedApis.apiService(
        MetricsServer.GROUP,
        MetricsServer.VERSION,
        MetricsServer.SERVICE,
        MetricsServer.NAMESPACE,
        port,
        caBundle);
  }
}

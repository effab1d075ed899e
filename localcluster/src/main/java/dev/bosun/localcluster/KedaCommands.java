package dev.bosun.localcluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How KEDA's two processes run beside the local cluster, and the objects that let the
 * kube-apiserver's aggregator reach the adapter: pure, so that every port and path is checked
 * without starting anything.
 *
 * <p>Outside a pod KEDA finds no service account, so both get the cluster's kubeconfig, and the
 * namespaces a pod would be told: {@code WATCH_NAMESPACE} empty (all), {@code POD_NAMESPACE} and
 * {@code KEDA_CLUSTER_OBJECT_NAMESPACE} {@value Keda#NAMESPACE}. Everything listens on loopback,
 * except the adapter's own metrics endpoint, whose address KEDA does not let one choose ({@code
 * --port} binds every interface).
 *
 * @param certificates a directory with {@code ca.crt}, {@code tls.crt} and {@code tls.key}: KEDA's
 *     layout for the operator's gRPC server, the adapter's client of it (mutual TLS) and the
 *     adapter's HTTPS
 */
record KedaCommands(KedaBinaries binaries, Path kubeconfig, Path certificates, Ports ports) {

  /**
   * The ports, picked free at each start.
   *
   * @param operatorMetrics the operator's Prometheus endpoint
   * @param operatorProbes its {@code /healthz} and {@code /readyz}
   * @param operatorGrpc the metrics service the adapter asks for every metric
   * @param adapterHttps the external metrics API the aggregator proxies to
   * @param adapterMetrics the adapter's Prometheus endpoint
   */
  record Ports(
      int operatorMetrics,
      int operatorProbes,
      int operatorGrpc,
      int adapterHttps,
      int adapterMetrics) {}

  private static final String LOOPBACK = "127.0.0.1";

  /** Logs a person can read, with times as the other components' logs have them. */
  private static final List<String> LOGGING =
      List.of("--zap-encoder=console", "--zap-time-encoding=iso8601");

  Map<String, String> environment() {
    return Map.of(
        "KUBECONFIG",
        kubeconfig.toString(),
        "WATCH_NAMESPACE",
        "",
        "POD_NAMESPACE",
        Keda.NAMESPACE,
        "KEDA_CLUSTER_OBJECT_NAMESPACE",
        Keda.NAMESPACE);
  }

  List<String> operator() {
    return concat(
        List.of(
            binaries.operator().toString(),
            "--metrics-bind-address=" + loopback(ports.operatorMetrics()),
            "--health-probe-bind-address=" + loopback(ports.operatorProbes()),
            "--metrics-service-bind-address=" + loopback(ports.operatorGrpc()),
            // The certificates are written before the start; KEDA's rotation would keep them in
            // a Secret that a pod mounts, and patch the APIService this class writes.
            "--enable-cert-rotation=false",
            "--cert-dir=" + certificates,
            // Scalers' extra CAs; the default, /custom/ca, is a pod's mount.
            "--ca-dir=" + certificates,
            "--leader-elect=false"),
        LOGGING);
  }

  List<String> adapter() {
    return concat(
        List.of(
            binaries.adapter().toString(),
            "--bind-address=" + LOOPBACK,
            "--secure-port=" + ports.adapterHttps(),
            "--cert-dir=" + certificates,
            "--tls-cert-file=" + certificates.resolve("tls.crt"),
            "--tls-private-key-file=" + certificates.resolve("tls.key"),
            "--metrics-service-address=" + loopback(ports.operatorGrpc()),
            "--port=" + ports.adapterMetrics(),
            // What a pod's service account would give: the client for KEDA's objects, and the
            // delegated authentication (the aggregator's client certificate, checked against the
            // cluster's CA) and authorisation (SubjectAccessReview).
            "--lister-kubeconfig=" + kubeconfig,
            "--authentication-kubeconfig=" + kubeconfig,
            "--authorization-kubeconfig=" + kubeconfig),
        LOGGING);
  }

  /** Where the operator says it is ready. */
  String operatorReadiness() {
    return "http://" + loopback(ports.operatorProbes()) + "/readyz";
  }

  /** The Service the APIService names (see {@link AggregatedApis}). */
  static String metricsService() {
    return AggregatedApis.service(Keda.METRICS_SERVICE, Keda.NAMESPACE);
  }

  /**
   * The external metrics API served by the adapter, trusted through {@code caBundle}: the CA that
   * signed the adapter's certificate.
   */
  String externalMetricsApiService(byte[] caBundle) {
    return AggregatedApis.apiService(
        "external.metrics.k8s.io",
        "v1beta1",
        Keda.METRICS_SERVICE,
        Keda.NAMESPACE,
        ports.adapterHttps(),
        caBundle);
  }

  private static String loopback(int port) {
    return LOOPBACK + ":" + port;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }
}

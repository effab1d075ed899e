package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Consumer;

/**
 * KEDA on the local cluster: its CRDs, the operator and the external-metrics adapter as background
 * processes of the cluster's home (so {@code bosun dev down} stops them), and the APIService
 * {@value #EXTERNAL_METRICS_API} through which kube-controller-manager's HPA controller reads the
 * metrics KEDA computes.
 *
 * <p>Certificates: kwokctl's CA and its one admin certificate, whose names include localhost,
 * 127.0.0.1 and {@value #SERVING_NAME} ({@link LocalCluster} asks kwokctl for that name; the
 * aggregator checks an APIService's server for {@code <service>.<namespace>.svc}). The adapter
 * serves with it, the operator's gRPC server and the adapter's client of it use it for mutual TLS,
 * and the APIService's {@code caBundle} is the CA. kube-apiserver already proxies to aggregated
 * servers with that admin certificate, which the adapter authenticates against the CA as a member
 * of {@code system:masters}.
 */
public final class Keda {

  public static final String NAMESPACE = "keda";
  public static final String METRICS_SERVICE = "keda-metrics-apiserver";

  /** The name the aggregator expects in the adapter's certificate. */
  public static final String SERVING_NAME = METRICS_SERVICE + "." + NAMESPACE + ".svc";

  public static final String EXTERNAL_METRICS_API = "v1beta1.external.metrics.k8s.io";

  /** The names of the background processes, and of their logs in the cluster's home. */
  public static final String OPERATOR = "keda-operator";

  public static final String ADAPTER = "keda-adapter";

  private static final String FIELD_MANAGER = "bosun-dev";
  private static final Duration CRDS_ESTABLISHED_WITHIN = Duration.ofSeconds(60);
  private static final Duration OPERATOR_READY_WITHIN = Duration.ofSeconds(90);
  private static final Duration API_AVAILABLE_WITHIN = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(250);

  private final KedaBinaries binaries;
  private final LocalCluster cluster;
  private final BackgroundProcesses processes;

  public Keda(KedaBinaries binaries, LocalCluster cluster) {
    this.binaries = binaries;
    this.cluster = cluster;
    this.processes = new BackgroundProcesses(cluster.home());
  }

  /** What a start found or did. */
  public record Started(boolean startedNow, Duration took, Path operatorLog, Path adapterLog) {}

  /**
   * Starts KEDA on the running cluster, or finds it running. When only part of it runs (the adapter
   * was stopped, say), both processes start again. On failure neither is left running, and the
   * exception names the component and its log.
   */
  public Started start(KubernetesClient client, Consumer<String> progress) {
    long begin = System.nanoTime();
    if (isRunning(client)) {
      return started(false, begin);
    }
    // An APIService left from before would say Available until the aggregator looks again.
    stop(client);
    Path certificates = writeCertificates();
    progress.accept("Installing KEDA " + KedaBinaries.KEDA_VERSION + "'s CRDs");
    installCrds(client);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .fieldManager(FIELD_MANAGER)
        .serverSideApply();

    var commands = new KedaCommands(binaries, cluster.kubeconfig(), certificates, freePorts());
    progress.accept("Starting keda-operator and keda-adapter");
    var operator = processes.start(OPERATOR, commands.operator(), commands.environment());
    try (var http = HttpClient.newHttpClient()) {
      processes
          .awaitReady(
              operator,
              "keda-operator answering on " + commands.operatorReadiness(),
              OPERATOR_READY_WITHIN,
              STOP_GRACE,
              () -> HttpProbe.answersOk(http, URI.create(commands.operatorReadiness())))
          .ifPresent(failure -> fail(OPERATOR, failure, ""));
    }
    var adapter = processes.start(ADAPTER, commands.adapter(), commands.environment());
    register(client, commands, certificates);
    processes
        .awaitReady(
            adapter,
            "APIService " + EXTERNAL_METRICS_API + " Available",
            API_AVAILABLE_WITHIN,
            STOP_GRACE,
            () -> externalMetricsAvailable(client))
        .ifPresent(
            failure ->
                fail(
                    ADAPTER,
                    failure,
                    "\nThe APIService says: "
                        + AggregatedApis.availability(client, EXTERNAL_METRICS_API)
                            .orElse("nothing yet")));
    return started(true, begin);
  }

  private Started started(boolean now, long begin) {
    return new Started(
        now,
        Duration.ofNanos(System.nanoTime() - begin),
        processes.log(OPERATOR),
        processes.log(ADAPTER));
  }

  /** Stops what started, so that nothing is left half running, and says which part failed. */
  private void fail(String component, String failure, String more) {
    stopProcesses();
    throw new ClusterStartException(component + " did not start: " + failure + more);
  }

  /** Both processes run and the aggregator reaches the adapter. */
  public boolean isRunning(KubernetesClient client) {
    return processes.running(OPERATOR).isPresent()
        && processes.running(ADAPTER).isPresent()
        && externalMetricsAvailable(client);
  }

  /**
   * Stops both processes and removes the APIService: an unavailable aggregated API would make
   * discovery fail for the whole cluster, and with it namespace deletion.
   */
  public void stop(KubernetesClient client) {
    stopProcesses();
    AggregatedApis.unregister(client, EXTERNAL_METRICS_API);
  }

  private void stopProcesses() {
    processes.stop(ADAPTER, STOP_GRACE);
    processes.stop(OPERATOR, STOP_GRACE);
  }

  /**
   * Copies kwokctl's CA and admin certificate into {@code <home>/keda/certs} under the names KEDA
   * reads, after checking that the certificate names {@value #SERVING_NAME}.
   */
  private Path writeCertificates() {
    Path pki = cluster.pkiDirectory();
    Path certificates = cluster.home().resolve("keda").resolve("certs");
    try {
      if (!AggregatedApis.certificateNames(pki.resolve("admin.crt"), SERVING_NAME)) {
        throw new ClusterStartException(
            "The local cluster's certificate "
                + pki.resolve("admin.crt")
                + " does not name "
                + SERVING_NAME
                + ", which the API server's aggregator checks when it calls KEDA's adapter: the"
                + " cluster was started by an older Bosun. Restart it: `bosun dev down`, then"
                + " `bosun dev up --autoscaling`.");
      }
      Files.createDirectories(certificates);
      for (var copy :
          Map.of("ca.crt", "ca.crt", "admin.crt", "tls.crt", "admin.key", "tls.key").entrySet()) {
        Files.copy(
            pki.resolve(copy.getKey()),
            certificates.resolve(copy.getValue()),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy the local cluster's certificates from " + pki + " to " + certificates, e);
    }
    return certificates;
  }

  private void installCrds(KubernetesClient client) {
    var names = new ArrayList<String>();
    for (Path file : binaries.crds()) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read KEDA's CRD " + file, e);
      }
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(crd)
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
      names.add(crd.getMetadata().getName());
    }
    Poll.until(
        "KEDA's CRDs " + names + " established",
        CRDS_ESTABLISHED_WITHIN,
        POLL,
        () -> names.stream().allMatch(name -> established(client, name)));
  }

  private static boolean established(KubernetesClient client, String name) {
    var crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
    return crd != null
        && crd.getStatus() != null
        // A CRD just created has a status without conditions until the API server names it.
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static void register(KubernetesClient client, KedaCommands commands, Path certificates) {
    byte[] caBundle;
    try {
      caBundle = Files.readAllBytes(certificates.resolve("ca.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + certificates.resolve("ca.crt"), e);
    }
    AggregatedApis.register(
        client, KedaCommands.metricsService(), commands.externalMetricsApiService(caBundle));
  }

  private static boolean externalMetricsAvailable(KubernetesClient client) {
    return AggregatedApis.available(client, EXTERNAL_METRICS_API);
  }

  private static KedaCommands.Ports freePorts() {
    var ports = FreePorts.onLoopback(5, "KEDA");
    return new KedaCommands.Ports(
        ports.get(0), ports.get(1), ports.get(2), ports.get(3), ports.get(4));
  }
}

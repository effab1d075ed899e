package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Starts the operator: its reconcilers (Workloads, Environments, GPU quarantine, Sandboxes and
 * their templates, sandbox warm pools and claims), leader election, and the {@code /metrics} and
 * {@code /healthz} endpoints. {@code bosun operator} calls {@link #run}; tests call {@link #start}.
 */
public final class OperatorMain implements AutoCloseable {

  /**
   * @param kubeconfig a kubeconfig file, or null for fabric8's default resolution ($KUBECONFIG,
   *     ~/.kube/config, in-cluster service account)
   * @param httpPort where /metrics and /healthz listen; 0 for any free port, negative for none
   * @param leaderElection whether to take the Lease before reconciling (needed with more than one
   *     replica)
   * @param leaseNamespace where the Lease lives; the pod's namespace in-cluster
   * @param exitOnLostLease whether losing the Lease ends the process (JOSDK's default, so that two
   *     replicas never reconcile at once); tests that run several operators in one JVM turn it off
   */
  public record Settings(
      Path kubeconfig,
      int httpPort,
      boolean leaderElection,
      String leaseNamespace,
      boolean exitOnLostLease) {
    public static final String LEASE_NAME = "bosun-operator";

    public Settings(Path kubeconfig, int httpPort, boolean leaderElection, String leaseNamespace) {
      this(kubeconfig, httpPort, leaderElection, leaseNamespace, true);
    }

    public static Settings defaults() {
      return new Settings(null, 8080, false, "bosun-system");
    }
  }

  private final Operator operator;
  private final KubernetesClient client;
  private final HttpEndpoints endpoints;

  private OperatorMain(Operator operator, KubernetesClient client, HttpEndpoints endpoints) {
    this.operator = operator;
    this.client = client;
    this.endpoints = endpoints;
  }

  /**
   * Starts the operator and returns at once; close it to stop.
   *
   * @throws MissingCrdsException when the cluster does not serve Bosun's kinds
   */
  public static OperatorMain start(Settings settings) {
    KubernetesClient client = clientFor(settings.kubeconfig());
    List<String> missing =
        Stream.of(
                Workload.class,
                Tier.class,
                Environment.class,
                GpuHealthPolicy.class,
                Sandbox.class,
                SandboxTemplate.class,
                SandboxWarmPool.class,
                SandboxClaim.class)
            .filter(kind -> !client.supports(kind))
            .map(Class::getSimpleName)
            .toList();
    if (!missing.isEmpty()) {
      client.close();
      throw new MissingCrdsException(missing);
    }
    return start(settings, client);
  }

  /** The cluster does not serve some of Bosun's kinds: the CRDs are not installed (or too old). */
  public static final class MissingCrdsException extends RuntimeException {
    MissingCrdsException(List<String> kinds) {
      super(
          "the cluster does not serve "
              + String.join(", ", kinds)
              + " ("
              + Workload.GROUP
              + "/"
              + Workload.VERSION
              + "): install the CRDs first, e.g. kubectl apply --server-side -f deploy/crds/");
    }
  }

  /** Starts the operator on a client the caller made (and the operator closes). */
  public static OperatorMain start(Settings settings, KubernetesClient client) {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  .withCloseClientOnStop(true)
                  // An API server that drops a connection while the caches fill (under load, or
                  // just after a restart) must not end the operator: the informers retry, as
                  // client-go's do, and /healthz names the ones not synced meanwhile.
                  .withStopOnInformerErrorDuringStartup(false)
                  // Resource versions compared as numbers (etcd revisions, as every API server
                  // serves them): a status this operator wrote stays in its cache until the watch
                  // brings a later version, even when the watch already holds a newer one than the
                  // version the write started from (StatusPatch).
                  .withParseResourceVersions(true)
                  // A Workload is reconciled by one thread at a time; these many Workloads at once.
                  .withConcurrentReconciliationThreads(
                      Integer.getInteger("bosun.operator.threads", 10));
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            Settings.LEASE_NAME)
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withExitOnStopLeading(settings.exitOnLostLease())
                        .build());
              }
            });
    operator.register(
        new WorkloadReconciler(client, registry),
        o -> o.withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields)));
    operator.register(new EnvironmentReconciler(client));
    operator.register(
        new QuarantineReconciler(
            client,
            client.supports(GpuQuarantine.RULE_API_VERSION, GpuQuarantine.RULE_KIND),
            registry));
    operator.register(
        new SandboxReconciler(client),
        o ->
            o.withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withOnUpdateFilter(ChildChanges::sandbox));
    operator.register(
        new SandboxTemplateReconciler(),
        o -> o.withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields)));
    // Warm pools and claims.
    operator.register(
        new SandboxWarmPoolReconciler(client),
        o -> o.withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields)));
    operator.register(
        new SandboxClaimReconciler(client),
        o -> o.withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields)));
    HttpEndpoints endpoints =
        settings.httpPort() < 0
            ? null
            : HttpEndpoints.start(settings.httpPort(), registry, operator);
    operator.start();
    return new OperatorMain(operator, client, endpoints);
  }

  /** Runs until the process is stopped (SIGTERM stops the reconcilers and gives the Lease back). */
  public static void run(Settings settings) throws InterruptedException {
    var running = start(settings);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                },
                "bosun-operator-stop"));
    stopped.await();
  }

  public int httpPort() {
    return endpoints == null ? -1 : endpoints.port();
  }

  /** The event sources that are not healthy, by controller; empty when all are. */
  public String healthDetails() {
    return operator.getRuntimeInfo().unhealthyEventSources().toString();
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    if (endpoints != null) {
      endpoints.close();
    }
    operator.stop();
  }

  /** A client for the kubeconfig file, or by fabric8's default resolution when null. */
  public static KubernetesClient clientFor(Path kubeconfig) {
    if (kubeconfig == null) {
      return new KubernetesClientBuilder().build();
    }
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
    }
  }
}

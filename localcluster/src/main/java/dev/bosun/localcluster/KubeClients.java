package dev.bosun.localcluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** fabric8 clients for a kubeconfig file, sized for creating a fleet's objects in parallel. */
public final class KubeClients {

  /** Requests in flight at once; the API server's default limit for writes is 200. */
  static final int MAX_CONCURRENT_REQUESTS = 128;

  private KubeClients() {}

  /**
   * Loads the client's classes (HTTP client, JSON, model) on a background thread while the cluster
   * starts: a JVM's first client otherwise costs seconds after the cluster is up.
   */
  public static void preloadInBackground() {
    Thread.ofPlatform()
        .daemon()
        .name("kubernetes-client-preload")
        .start(
            () -> {
              var nowhere = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build();
              try (var client = new KubernetesClientBuilder().withConfig(nowhere).build()) {
                var node = KwokNode.gpu("preload", "preload-0", 0, GpuProduct.H100_80GB_HBM3, 8);
                client
                    .getKubernetesSerialization()
                    .asJson(NvidiaResourceSlice.forNode(node, GpuProduct.H100_80GB_HBM3, 8));
                client.getKubernetesSerialization().asJson(node);
              } catch (RuntimeException e) {
                // Only a head start; the real client reports real problems.
              }
            });
  }

  public static KubernetesClient forKubeconfig(Path kubeconfig) {
    Config config;
    try {
      config = Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kubeconfig " + kubeconfig, e);
    }
    config.setMaxConcurrentRequests(MAX_CONCURRENT_REQUESTS);
    config.setMaxConcurrentRequestsPerHost(MAX_CONCURRENT_REQUESTS);
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}

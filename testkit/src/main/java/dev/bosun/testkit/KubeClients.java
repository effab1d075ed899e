package dev.bosun.testkit;

import io.fabric8.kubernetes.client.Config;
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

    private KubeClients() { }

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

package dev.bosun.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Clients that authenticate as a ServiceAccount does in its pod, with a bearer token alone: what
 * such a client may do is the ServiceAccount's RBAC, not the admin's (impersonation through an
 * admin's credentials would be the admin's own act).
 */
public final class TokenClients {
  private TokenClients() {}

  /** A client of {@code admin}'s cluster, trusting its CA, that sends {@code token}. */
  public static KubernetesClient withToken(KubernetesClient admin, String token) {
    return new KubernetesClientBuilder().withConfig(config(admin, token)).build();
  }

  /** The configuration of {@link #withToken}. */
  public static Config config(KubernetesClient admin, String token) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(admin.getConfiguration().getMasterUrl())
        .withCaCertData(admin.getConfiguration().getCaCertData())
        .withCaCertFile(admin.getConfiguration().getCaCertFile())
        .withTrustCerts(admin.getConfiguration().isTrustCerts())
        .withOauthToken(token)
        .build();
  }
}

package dev.bosun.operator.client;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;

/**
 * Who a tool that sends traffic through the router is to it ({@code bosun dev load}, the promotion
 * gates): a ServiceAccount in the Workload's namespace, allowed {@code create} on {@code
 * workloads/proxy} there and nothing else, with a token that lasts as long as the traffic. The
 * router authorizes it as any caller (TokenReview, then SubjectAccessReview), so the traffic goes
 * through the same door as a user's; the client's own RBAC decides whether it may make them.
 */
public final class RouterCaller {

  /** The API server's shortest token life. */
  private static final Duration MIN_TOKEN_LIFE = Duration.ofMinutes(10);

  private RouterCaller() {}

  /** A bearer token of ServiceAccount {@code name} in {@code namespace}, made or refreshed. */
  public static String token(
      KubernetesClient client, String namespace, String name, Duration traffic) {
    try {
      var sa =
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .endMetadata()
              .withAutomountServiceAccountToken(false)
              .build();
      var role =
          new RoleBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .endMetadata()
              .addNewRule()
              .withApiGroups("bosun.dev")
              .withResources("workloads/proxy")
              .withVerbs("create")
              .endRule()
              .build();
      var binding =
          new RoleBindingBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName(name)
              .withNamespace(namespace)
              .endSubject()
              .build();
      client.resource(sa).forceConflicts().serverSideApply();
      client.resource(role).forceConflicts().serverSideApply();
      client.resource(binding).forceConflicts().serverSideApply();
      long seconds = Math.max(MIN_TOKEN_LIFE.toSeconds(), traffic.plusMinutes(5).toSeconds());
      var request =
          new TokenRequestBuilder().withNewSpec().withExpirationSeconds(seconds).endSpec().build();
      return client
          .serviceAccounts()
          .inNamespace(namespace)
          .withName(name)
          .tokenRequest(request)
          .getStatus()
          .getToken();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "cannot make the router caller's ServiceAccount "
              + namespace
              + "/"
              + name
              + ": "
              + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()),
          e);
    }
  }
}

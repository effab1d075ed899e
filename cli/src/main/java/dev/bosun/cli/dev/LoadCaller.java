package dev.bosun.cli.dev;

import dev.bosun.localcluster.KubeClients;
import dev.bosun.localcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;

/**
 * Who {@code bosun dev load} is to the router: a ServiceAccount {@value #NAME} in the Workload's
 * namespace, allowed {@code create} on {@code workloads/proxy} there and nothing else, with a token
 * that lasts as long as the load. The router authorizes it as any caller (TokenReview, then
 * SubjectAccessReview), so the load goes through the same door as a user's traffic.
 */
final class LoadCaller {
  static final String NAME = "bosun-dev-load";

  /** The API server's shortest token life. */
  private static final Duration MIN_TOKEN_LIFE = Duration.ofMinutes(10);

  private LoadCaller() {}

  /** A bearer token for {@code namespace}, made or refreshed on the local cluster. */
  static String token(LocalCluster cluster, String namespace, Duration load) {
    try (var client = KubeClients.forKubeconfig(cluster.kubeconfig())) {
      var sa =
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName(NAME)
              .withNamespace(namespace)
              .endMetadata()
              .withAutomountServiceAccountToken(false)
              .build();
      var role =
          new RoleBuilder()
              .withNewMetadata()
              .withName(NAME)
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
              .withName(NAME)
              .withNamespace(namespace)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "Role", NAME)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName(NAME)
              .withNamespace(namespace)
              .endSubject()
              .build();
      client.resource(sa).forceConflicts().serverSideApply();
      client.resource(role).forceConflicts().serverSideApply();
      client.resource(binding).forceConflicts().serverSideApply();
      long seconds = Math.max(MIN_TOKEN_LIFE.toSeconds(), load.plusMinutes(5).toSeconds());
      var request =
          new TokenRequestBuilder().withNewSpec().withExpirationSeconds(seconds).endSpec().build();
      return client
          .serviceAccounts()
          .inNamespace(namespace)
          .withName(NAME)
          .tokenRequest(request)
          .getStatus()
          .getToken();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "cannot make the load's ServiceAccount "
              + namespace
              + "/"
              + NAME
              + ": "
              + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()),
          e);
    }
  }
}

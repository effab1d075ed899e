package dev.bosun.router;

import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.scaler.WorkloadKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/**
 * Asks the API server about a token that is not a sandbox's: who it is ({@link TokenReviewer}) and
 * whether that user may {@code create} {@code sandboxes/proxy} or {@code workloads/proxy} in group
 * {@code bosun.dev} on the object the request goes to (SubjectAccessReview).
 */
final class KubeReviews {
  /** The subresource a caller needs {@code create} on, as for pods' and services' proxy. */
  static final String PROXY = "proxy";

  static final String VERB = "create";

  /** What a request reaches: a Sandbox or a Workload; {@link #toString} is its object key. */
  record Target(String resource, String namespace, String name) {
    static Target sandbox(SandboxKey key) {
      return new Target(HasMetadata.getPlural(Sandbox.class), key.namespace(), key.name());
    }

    static Target workload(WorkloadKey key) {
      return new Target(HasMetadata.getPlural(Workload.class), key.namespace(), key.name());
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /** The API server's answer. */
  enum Verdict {
    ALLOWED,
    UNAUTHENTICATED,
    DENIED
  }

  private final KubernetesClient client;
  private final TokenReviewer tokens;

  KubeReviews(KubernetesClient client, List<String> audiences) {
    this.client = client;
    this.tokens = new TokenReviewer(client, audiences);
  }

  /**
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server cannot say
   */
  Verdict review(String token, Target target) {
    Optional<UserInfo> authenticated = tokens.user(token);
    if (authenticated.isEmpty()) {
      return Verdict.UNAUTHENTICATED;
    }
    UserInfo user = authenticated.get();
    SubjectAccessReview access =
        client
            .authorization()
            .v1()
            .subjectAccessReview()
            .create(
                new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser(user.getUsername())
                    .withUid(user.getUid())
                    .withGroups(user.getGroups())
                    .withExtra(user.getExtra())
                    .withNewResourceAttributes()
                    .withGroup(Workload.GROUP)
                    .withResource(target.resource())
                    .withSubresource(PROXY)
                    .withVerb(VERB)
                    .withNamespace(target.namespace())
                    .withName(target.name())
                    .endResourceAttributes()
                    .endSpec()
                    .build());
    return access.getStatus() != null && Boolean.TRUE.equals(access.getStatus().getAllowed())
        ? Verdict.ALLOWED
        : Verdict.DENIED;
  }
}

package dev.bosun.router;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/**
 * Who a bearer token belongs to, as the API server says (a TokenReview, for the configured
 * audiences or, with none, the API server's own): the router's callers and the MCP server's
 * sessions are both told apart this way.
 */
public final class TokenReviewer {
  private final KubernetesClient client;
  private final List<String> audiences;

  public TokenReviewer(KubernetesClient client, List<String> audiences) {
    this.client = client;
    this.audiences = List.copyOf(audiences);
  }

  /**
   * The token's user, or empty when the API server does not authenticate it.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server cannot say
   */
  public Optional<UserInfo> user(String token) {
    TokenReview review =
        client
            .authentication()
            .v1()
            .tokenReviews()
            .create(
                new TokenReviewBuilder()
                    .withNewSpec()
                    .withToken(token)
                    .withAudiences(audiences.isEmpty() ? null : audiences)
                    .endSpec()
                    .build());
    if (review.getStatus() == null
        || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
        || review.getStatus().getUser() == null) {
      return Optional.empty();
    }
    return Optional.of(review.getStatus().getUser());
  }
}

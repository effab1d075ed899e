package dev.bosun.router;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Who may use a sandbox. A bearer token whose SHA-256 is a Sandbox's token hash is that sandbox's
 * token: good for it alone; for any other sandbox it is refused (403) before the target is looked
 * up, so the answer says nothing of whether the target exists. Any other token goes to the API
 * server ({@link Reviewer}), and a positive answer is kept briefly ({@link ReviewCache}).
 */
final class Access {
  /** What the router does with the request. */
  sealed interface Decision {
    record Allowed() implements Decision {}

    record Refused(int status, String reason, List<Header> headers) implements Decision {}
  }

  /** The API server's review of a token for a sandbox (TokenReview, SubjectAccessReview). */
  interface Reviewer {
    KubeReviews.Verdict review(String token, SandboxKey sandbox);
  }

  static final String REALM = "Bearer realm=\"bosun-sandbox-router\"";

  private final Function<String, List<SandboxKey>> tokenOwners;
  private final Function<SandboxKey, String> tokenHashOf;
  private final Reviewer reviewer;
  private final ReviewCache cache;
  private final LongSupplier nanoTime;

  /**
   * @param tokenOwners the sandboxes whose token hash is the given one
   * @param tokenHashOf a sandbox's token hash annotation, or null
   */
  Access(
      Function<String, List<SandboxKey>> tokenOwners,
      Function<SandboxKey, String> tokenHashOf,
      Reviewer reviewer,
      ReviewCache cache,
      LongSupplier nanoTime) {
    this.tokenOwners = tokenOwners;
    this.tokenHashOf = tokenHashOf;
    this.reviewer = reviewer;
    this.cache = cache;
    this.nanoTime = nanoTime;
  }

  Decision check(Tokens.Credential credential, SandboxKey sandbox) {
    return switch (credential) {
      case Tokens.Credential.Missing() ->
          refused(
              401, "a bearer token is required", List.of(new Header("WWW-Authenticate", REALM)));
      case Tokens.Credential.Malformed(String reason) ->
          refused(
              401,
              "the Authorization header is " + reason,
              List.of(new Header("WWW-Authenticate", REALM + ", error=\"invalid_request\"")));
      case Tokens.Credential.Bearer(String token) -> checkToken(token, sandbox);
    };
  }

  private Decision checkToken(String token, SandboxKey sandbox) {
    String hash = Tokens.sha256Hex(token);
    List<SandboxKey> owners = tokenOwners.apply(hash);
    if (owners.contains(sandbox) && Tokens.sameHash(hash, tokenHashOf.apply(sandbox))) {
      return new Decision.Allowed();
    }
    if (!owners.isEmpty())
      return refused(403, "this token is not valid for this sandbox", List.of());
    String cacheKey = ReviewCache.key(hash, sandbox);
    if (cache.allowed(cacheKey, nanoTime.getAsLong())) return new Decision.Allowed();
    KubeReviews.Verdict verdict;
    try {
      verdict = reviewer.review(token, sandbox);
    } catch (KubernetesClientException e) {
      return refused(
          503,
          "cannot review the token with the API server now",
          List.of(new Header("Retry-After", "1")));
    }
    return switch (verdict) {
      case ALLOWED -> {
        cache.allow(cacheKey, nanoTime.getAsLong());
        yield new Decision.Allowed();
      }
      case UNAUTHENTICATED ->
          refused(
              401,
              "the token is not valid",
              List.of(new Header("WWW-Authenticate", REALM + ", error=\"invalid_token\"")));
      case DENIED ->
          refused(
              403,
              "not allowed to "
                  + KubeReviews.VERB
                  + " sandboxes/"
                  + KubeReviews.PROXY
                  + " on "
                  + sandbox,
              List.of());
    };
  }

  private static Decision refused(int status, String reason, List<Header> headers) {
    return new Decision.Refused(status, reason, headers);
  }
}

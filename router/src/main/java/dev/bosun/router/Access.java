package dev.bosun.router;

import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.scaler.WorkloadKey;
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

  /**
   * The API server's review of a token for a sandbox or Workload (TokenReview,
   * SubjectAccessReview).
   */
  interface Reviewer {
    KubeReviews.Verdict review(String token, KubeReviews.Target target);
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
    return check(credential, token -> checkToken(token, sandbox));
  }

  /**
   * Who may use a Workload: a cluster token allowed {@code create} on {@code workloads/proxy}. A
   * sandbox's token is refused without asking the API server: it is good for its sandbox alone.
   */
  Decision checkWorkload(Tokens.Credential credential, WorkloadKey workload) {
    return check(
        credential,
        token -> {
          String hash = Sandboxes.tokenSha256(token);
          if (!tokenOwners.apply(hash).isEmpty()) {
            return refused(403, "a sandbox's token is not valid for Workloads", List.of());
          }
          return review(token, hash, KubeReviews.Target.workload(workload));
        });
  }

  private Decision check(Tokens.Credential credential, Function<String, Decision> bearer) {
    return switch (credential) {
      case Tokens.Credential.Missing() ->
          refused(
              401, "a bearer token is required", List.of(new Header("WWW-Authenticate", REALM)));
      case Tokens.Credential.Malformed(String reason) ->
          refused(
              401,
              "the Authorization header is " + reason,
              List.of(new Header("WWW-Authenticate", REALM + ", error=\"invalid_request\"")));
      case Tokens.Credential.Bearer(String token) -> bearer.apply(token);
    };
  }

  private Decision checkToken(String token, SandboxKey sandbox) {
    String hash = Sandboxes.tokenSha256(token);
    List<SandboxKey> owners = tokenOwners.apply(hash);
    if (owners.contains(sandbox) && Tokens.sameHash(hash, tokenHashOf.apply(sandbox))) {
      return new Decision.Allowed();
    }
    if (!owners.isEmpty())
      return refused(403, "this token is not valid for this sandbox", List.of());
    return review(token, hash, KubeReviews.Target.sandbox(sandbox));
  }

  private Decision review(String token, String hash, KubeReviews.Target target) {
    String cacheKey = ReviewCache.key(hash, target);
    if (cache.allowed(cacheKey, nanoTime.getAsLong())) return new Decision.Allowed();
    KubeReviews.Verdict verdict;
    try {
      verdict = reviewer.review(token, target);
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
                  + " "
                  + target.resource()
                  + "/"
                  + KubeReviews.PROXY
                  + " on "
                  + target,
              List.of());
    };
  }

  private static Decision refused(int status, String reason, List<Header> headers) {
    return new Decision.Refused(status, reason, headers);
  }
}

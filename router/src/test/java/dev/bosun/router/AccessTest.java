package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessTest {
  private static final SandboxKey A = new SandboxKey("ns", "a");
  private static final SandboxKey B = new SandboxKey("ns", "b");
  private static final Map<SandboxKey, String> HASHES =
      Map.of(A, Sandboxes.tokenSha256("token-a"), B, Sandboxes.tokenSha256("token-b"));

  private final AtomicLong now = new AtomicLong();
  private final List<String> reviewed = new ArrayList<>();
  private KubeReviews.Verdict verdict = KubeReviews.Verdict.ALLOWED;

  private final Access access =
      new Access(
          hash ->
              HASHES.entrySet().stream()
                  .filter(e -> e.getValue().equals(hash))
                  .map(Map.Entry::getKey)
                  .toList(),
          HASHES::get,
          (token, sandbox) -> {
            reviewed.add(token + "@" + sandbox);
            if (verdict == null) throw new KubernetesClientException("down");
            return verdict;
          },
          new ReviewCache(100, Duration.ofSeconds(10)),
          now::get);

  private Access.Decision check(String token, SandboxKey sandbox) {
    return access.check(new Tokens.Credential.Bearer(token), sandbox);
  }

  private static int status(Access.Decision decision) {
    return decision instanceof Access.Decision.Refused r ? r.status() : 200;
  }

  @Test
  void aSandboxTokenOpensItsSandboxOnly() {
    assertThat(status(check("token-a", A))).isEqualTo(200);
    assertThat(status(check("token-a", B))).isEqualTo(403);
    assertThat(status(check("token-a", new SandboxKey("other", "missing")))).isEqualTo(403);
    assertThat(reviewed).as("a sandbox token never goes to the API server").isEmpty();
  }

  @Test
  void noTokenIs401WithAChallenge() {
    var refused = (Access.Decision.Refused) access.check(new Tokens.Credential.Missing(), A);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.headers()).extracting(Header::name).containsExactly("WWW-Authenticate");
    assertThat(status(access.check(new Tokens.Credential.Malformed("x"), A))).isEqualTo(401);
  }

  @Test
  void otherTokensAreReviewedAndAllowedOnesKeptForTheTtl() {
    assertThat(status(check("sa", A))).isEqualTo(200);
    assertThat(status(check("sa", A))).isEqualTo(200);
    assertThat(reviewed).containsExactly("sa@ns/a");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(status(check("sa", A))).isEqualTo(200);
    assertThat(reviewed).hasSize(2);
    assertThat(status(check("sa", B))).isEqualTo(200);
    assertThat(reviewed).as("the cache is per sandbox").hasSize(3);
  }

  @Test
  void refusalsAreNotKept() {
    verdict = KubeReviews.Verdict.DENIED;
    assertThat(status(check("sa", A))).isEqualTo(403);
    verdict = KubeReviews.Verdict.UNAUTHENTICATED;
    assertThat(status(check("sa", A))).isEqualTo(401);
    verdict = KubeReviews.Verdict.ALLOWED;
    assertThat(status(check("sa", A))).isEqualTo(200);
    assertThat(reviewed).hasSize(3);
  }

  @Test
  void anApiServerThatCannotAnswerIs503() {
    verdict = null;
    assertThat(status(check("sa", A))).isEqualTo(503);
  }
}

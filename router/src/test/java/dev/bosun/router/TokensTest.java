package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Sandboxes;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TokensTest {
  @Test
  void takesOneBearerToken() {
    assertThat(Tokens.credential(List.of("Bearer abc.DEF-_~+/=")))
        .isEqualTo(new Tokens.Credential.Bearer("abc.DEF-_~+/="));
    assertThat(Tokens.credential(List.of("bearer abc")))
        .isEqualTo(new Tokens.Credential.Bearer("abc"));
    assertThat(Tokens.credential(List.of())).isInstanceOf(Tokens.Credential.Missing.class);
  }

  @Test
  void refusesWhatIsNotOneBearerToken() {
    for (var header :
        List.of(
            List.of("Basic YTpi"),
            List.of("Bearer"),
            List.of("Bearer "),
            List.of("Bearer a b"),
            List.of("Bearer a\"b"),
            List.of("Bearer a", "Bearer b"))) {
      assertThat(Tokens.credential(header))
          .as(header.toString())
          .isInstanceOf(Tokens.Credential.Malformed.class);
    }
  }

  @Test
  void comparesHashesOnlyWhenEqual() {
    String hash = Sandboxes.tokenSha256("t");
    assertThat(Tokens.sameHash(hash, hash)).isTrue();
    assertThat(Tokens.sameHash(hash, hash.toUpperCase())).isTrue();
    assertThat(Tokens.sameHash(hash, Sandboxes.tokenSha256("u"))).isFalse();
    assertThat(Tokens.sameHash(hash, null)).isFalse();
    assertThat(Tokens.sameHash(hash, "")).isFalse();
  }

  @Property
  void differentTokensHaveDifferentHashes(@ForAll String a, @ForAll String b) {
    assertThat(Tokens.sameHash(Sandboxes.tokenSha256(a), Sandboxes.tokenSha256(b)))
        .isEqualTo(a.equals(b));
  }
}

package dev.bosun.operator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadClientTest {
  private static final String DIGEST = "sha256:" + "0f".repeat(32);

  @Test
  void theRepositoryDropsTagAndDigestButKeepsARegistryPort() {
    assertThat(WorkloadClient.repository("registry.example.com:5000/acme/chat:1.2"))
        .isEqualTo("registry.example.com:5000/acme/chat");
    assertThat(WorkloadClient.repository("registry.example.com/acme/chat@" + DIGEST))
        .isEqualTo("registry.example.com/acme/chat");
    assertThat(WorkloadClient.repository("registry.example.com:5000/acme/chat"))
        .isEqualTo("registry.example.com:5000/acme/chat");
  }

  @Test
  void oneRunningDigestIsPinnedAndNoneOrSeveralAreRefused() {
    assertThat(WorkloadClient.pinnedImage("r.example.com/a/b:1", Set.of(DIGEST), "staging"))
        .isEqualTo("r.example.com/a/b@" + DIGEST);
    assertThatThrownBy(() -> WorkloadClient.pinnedImage("r.example.com/a/b:1", Set.of(), "staging"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("imageID");
    assertThatThrownBy(
            () ->
                WorkloadClient.pinnedImage(
                    "r.example.com/a/b:1", Set.of(DIGEST, "sha256:" + "1a".repeat(32)), "staging"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("different images");
  }

  @Test
  void aSpecPinnedByDigestIsPromotedAsItIsWithoutAPodToProveIt() {
    String pinned = "r.example.com/a/b@" + DIGEST;
    assertThat(WorkloadClient.pinnedImage(pinned, Set.of(), "staging")).isEqualTo(pinned);
    assertThat(WorkloadClient.pinnedImage("r.example.com/a/b:1@" + DIGEST, Set.of(), "staging"))
        .isEqualTo("r.example.com/a/b:1@" + DIGEST);
    assertThat(WorkloadClient.pinsDigest("r.example.com/a/b@sha256:short")).isFalse();
    assertThat(WorkloadClient.pinsDigest("r.example.com:5000/a/b:1")).isFalse();
  }
}

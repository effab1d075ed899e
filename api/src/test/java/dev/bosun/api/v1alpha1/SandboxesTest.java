package dev.bosun.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SandboxesTest {
  @Test
  void theTokenHashIsTheHexSha256OfTheTokensBytes() {
    // printf abc | sha256sum
    assertThat(Sandboxes.tokenSha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // printf 'é' | sha256sum: UTF-8, not the platform's charset
    assertThat(Sandboxes.tokenSha256("é"))
        .isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  }
}

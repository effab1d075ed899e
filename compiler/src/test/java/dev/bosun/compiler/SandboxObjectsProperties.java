package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.Patterns;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Tier;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Sandbox validation over random input: every problem named by its field, nothing thrown. */
class SandboxObjectsProperties {
  private static final Tier CPU_S = Fixtures.DEFAULT_TIERS.find("cpu-s").orElseThrow();

  @Provide
  Arbitrary<String> durationLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("-0123456789smhd. ").ofMinLength(0).ofMaxLength(8),
        Arbitraries.integers().between(-5, 1_000_000).map(n -> n + "s"));
  }

  @Property
  void aTtlIsAcceptedExactlyWhenTheSchemaWouldAcceptIt(@ForAll("durationLike") String ttl) {
    Sandbox sandbox =
        SandboxFixtures.sandbox("alice", "agent", new SandboxLifecycle(ttl, null, null));
    List<FieldError> problems =
        SandboxObjects.check(sandbox, SandboxFixtures.template("agent", "cpu-s", null), CPU_S);
    if (ttl.matches(Patterns.DURATION)) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).extracting(FieldError::path).containsExactly("spec.lifecycle.ttl");
    }
  }

  @Property
  void everyValidIpv4BlockIsAllowedWithThePrivateRangesItCoversCutOut(
      @ForAll @IntRange(min = 0, max = 255) int a,
      @ForAll @IntRange(min = 0, max = 255) int b,
      @ForAll @IntRange(min = 0, max = 32) int prefix) {
    String cidr = a + "." + b + ".0.0/" + prefix;
    SandboxTemplate template =
        SandboxFixtures.template(
            "agent", "cpu-s", null, null, List.of(new EgressRule(cidr, null)), null);
    Sandbox sandbox = SandboxFixtures.sandbox("alice", "agent", null);
    assertThat(SandboxObjects.check(sandbox, template, CPU_S)).isEmpty();
    NetworkPolicy policy =
        SandboxObjects.of(sandbox, template, CPU_S).children().stream()
            .filter(NetworkPolicy.class::isInstance)
            .map(NetworkPolicy.class::cast)
            .findFirst()
            .orElseThrow();
    var block = policy.getSpec().getEgress().getLast().getTo().getFirst().getIpBlock();
    assertThat(block.getCidr()).isEqualTo(cidr);
    // The metadata address is never reachable through a block wider than itself.
    assertThat(block.getExcept().contains("169.254.169.254/32")).isEqualTo(covers(a, b, prefix));
  }

  /** Whether a.b.0.0/prefix covers 169.254.169.254. */
  private static boolean covers(int a, int b, int prefix) {
    long base = ((long) a << 24) | ((long) b << 16);
    long metadata = (169L << 24) | (254L << 16) | (169L << 8) | 254L;
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    return (base & mask) == (metadata & mask);
  }
}

package dev.bosun.router;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxStatus;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/** Sandbox objects as the operator would leave them, for tests. */
final class TestSandboxes {
  private TestSandboxes() {}

  static Sandbox sandbox(SandboxKey key, String token, OperatingMode mode) {
    Sandbox sandbox = new Sandbox();
    sandbox.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(key.namespace())
            .withName(key.name())
            .withGeneration(1L)
            .addToAnnotations(Sandboxes.TOKEN_SHA256, Sandboxes.tokenSha256(token))
            .build());
    sandbox.setSpec(new SandboxSpec(new ObjectName("template"), mode, null, null));
    return sandbox;
  }

  /** The status the operator writes: Ready (or not) at the address, and the other conditions. */
  static SandboxStatus status(boolean ready, String podIP, Integer port, boolean expired) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(ConditionTypes.READY, ready));
    conditions.add(condition(ConditionTypes.EXPIRED, expired));
    return new SandboxStatus(
        1L, conditions, null, null, null, null, null, podIP, port, null, null, null, null, null);
  }

  private static Condition condition(String type, boolean status) {
    return new Condition(
        type, status ? "True" : "False", 1L, "2026-01-01T00:00:00Z", "Test", "set by the test");
  }
}

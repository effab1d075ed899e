package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimSpec;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxStatus;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.SandboxWarmPoolSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Pools, claims and sandboxes as the API server would hand them to the plans. */
final class WarmPoolFixtures {
  static final String NAMESPACE = "agents";
  static final String TEMPLATE = "coder";
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  private WarmPoolFixtures() {}

  static SandboxWarmPool pool(String name, String template, int replicas) {
    var pool = new SandboxWarmPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    pool.setSpec(new SandboxWarmPoolSpec(replicas, new ObjectName(template)));
    return pool;
  }

  static SandboxClaim claim(
      String name, String pool, List<EnvVar> env, SandboxLifecycle lifecycle) {
    var claim = new SandboxClaim();
    claim.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    claim.setSpec(
        new SandboxClaimSpec(
            new ObjectName(TEMPLATE), pool == null ? null : new ObjectName(pool), env, lifecycle));
    return claim;
  }

  static SandboxClaim claim(String name) {
    return claim(name, null, null, null);
  }

  /** A sandbox waiting in {@code pool}, created {@code secondsAfterT0} after T0. */
  static Sandbox waiting(String name, String pool, boolean ready, long secondsAfterT0) {
    var sandbox = new Sandbox();
    sandbox.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withResourceVersion("7")
            .withCreationTimestamp(T0.plusSeconds(secondsAfterT0).toString())
            .withLabels(new HashMap<>(Map.of(Sandboxes.WARM_POOL_LABEL, pool)))
            .withOwnerReferences(Children.controllerReference(pool(pool, TEMPLATE, 1)))
            .build());
    sandbox.setSpec(new SandboxSpec(new ObjectName(TEMPLATE), null, null, null));
    sandbox.setStatus(status(ready));
    return sandbox;
  }

  static SandboxStatus status(boolean ready) {
    return new SandboxStatus(
        1L,
        List.of(
            new Condition(
                ConditionTypes.READY,
                ready ? "True" : "False",
                1L,
                T0.toString(),
                ready ? Reasons.SANDBOX_READY : "PodStarting",
                ready ? "the pod serves" : "the pod is starting")),
        null,
        "svc",
        "svc.agents.svc.cluster.local",
        "pod",
        "node-0",
        "10.0.0.1",
        8080,
        "claim",
        "pv",
        null,
        null,
        null);
  }

  static SandboxFacts facts(String name, String pool, boolean ready, long secondsAfterT0) {
    return SandboxFacts.of(waiting(name, pool, ready, secondsAfterT0));
  }
}

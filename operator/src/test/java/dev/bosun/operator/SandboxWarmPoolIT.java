package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateSpec;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.SandboxWarmPoolSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Warm pools and claims on the local cluster: a pool fills, a claim takes a warm sandbox and the
 * pool refills, a burst of claims each gets its own, a claim with env starts cold and says why, an
 * unknown template is named, /scale sizes a pool.
 */
@ExtendWith(LocalClusterExtension.class)
class SandboxWarmPoolIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String TEMPLATE = "coder";
  private static SharedCluster cluster;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @Test
  void aClaimTakesAWarmSandboxAndThePoolRefills(KubernetesClient client) {
    client.resource(template(TEMPLATE)).create();
    client.resource(pool("p", TEMPLATE, 2)).create();
    awaitPool(client, "p", p -> full(p, 2));

    client.resource(claim("c", TEMPLATE, null)).create();
    SandboxClaim bound =
        awaitClaim(client, "c", c -> ready(c, "True", Reasons.CLAIMED_FROM_WARM_POOL));
    assertThat(bound.getStatus().source()).isEqualTo(Sandboxes.SOURCE_WARM_POOL);
    assertThat(bound.getStatus().coldStartReason()).isNull();
    assertThat(bound.getStatus().boundAt()).isNotNull();
    assertThat(bound.getStatus().readyAt()).isEqualTo(bound.getStatus().boundAt());
    String name = bound.getStatus().sandbox().name();
    assertThat(name).matches("p-[a-z0-9]{5}");
    Sandbox taken = client.resources(Sandbox.class).withName(name).get();
    assertThat(taken.getMetadata().getLabels())
        .containsEntry(Sandboxes.CLAIM_LABEL, "c")
        .doesNotContainKey(Sandboxes.WARM_POOL_LABEL);
    assertThat(taken.getMetadata().getAnnotations()).containsKey(Sandboxes.CLAIMED_AT);
    assertThat(taken.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getUid()).isEqualTo(bound.getMetadata().getUid());
              assertThat(r.getController()).isTrue();
            });

    // The pool makes another to replace it (its status may still say full from before the claim).
    await()
        .atMost(CONVERGE)
        .until(() -> waiting(client, "p"), w -> w.size() == 2 && !w.contains(name));
    awaitPool(client, "p", p -> full(p, 2));
  }

  @Test
  void aBurstOfClaimsEachGetsItsOwnWarmSandbox(KubernetesClient client) {
    int claims = 20;
    client.resource(template(TEMPLATE)).create();
    client.resource(pool("p", TEMPLATE, claims)).create();
    awaitPool(client, "p", p -> full(p, claims));
    Set<String> warm = waiting(client, "p");

    IntStream.range(0, claims)
        .parallel()
        .forEach(i -> client.resource(claim("c-" + i, TEMPLATE, null)).create());
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                client.resources(SandboxClaim.class).list().getItems().stream()
                        .filter(c -> ready(c, "True", null))
                        .count()
                    == claims);
    List<SandboxClaim> bound = client.resources(SandboxClaim.class).list().getItems();
    assertThat(bound)
        .allSatisfy(c -> assertThat(c.getStatus().source()).isEqualTo(Sandboxes.SOURCE_WARM_POOL));
    Set<String> held =
        bound.stream().map(c -> c.getStatus().sandbox().name()).collect(Collectors.toSet());
    assertThat(held).hasSize(claims).isEqualTo(warm);
    // Each sandbox is held by exactly the claim that names it.
    for (SandboxClaim c : bound) {
      Sandbox sandbox =
          client.resources(Sandbox.class).withName(c.getStatus().sandbox().name()).get();
      assertThat(sandbox.getMetadata().getLabels())
          .containsEntry(Sandboxes.CLAIM_LABEL, c.getMetadata().getName());
      assertThat(sandbox.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(r -> assertThat(r.getUid()).isEqualTo(c.getMetadata().getUid()));
    }
    await()
        .atMost(CONVERGE)
        .until(
            () -> waiting(client, "p"),
            w -> w.size() == claims && w.stream().noneMatch(held::contains));
    awaitPool(client, "p", p -> full(p, claims));
  }

  @Test
  void aClaimWithEnvStartsColdAndSaysWhy(KubernetesClient client) {
    client.resource(template(TEMPLATE)).create();
    client.resource(pool("p", TEMPLATE, 1)).create();
    awaitPool(client, "p", p -> full(p, 1));
    Set<String> warm = waiting(client, "p");

    client.resource(claim("c", TEMPLATE, List.of(new EnvVar("MODEL", "small", null)))).create();
    SandboxClaim bound = awaitClaim(client, "c", c -> ready(c, "True", Reasons.COLD_STARTED));
    assertThat(bound.getStatus().source()).isEqualTo(Sandboxes.SOURCE_COLD_START);
    assertThat(bound.getStatus().coldStartReason()).isEqualTo(Reasons.ENV_DIFFERS);
    assertThat(bound.getStatus().sandbox().name()).isEqualTo("c");
    Sandbox cold = client.resources(Sandbox.class).withName("c").get();
    assertThat(cold.getSpec().env()).containsExactly(new EnvVar("MODEL", "small", null));
    assertThat(cold.getMetadata().getOwnerReferences().getFirst().getUid())
        .isEqualTo(bound.getMetadata().getUid());
    assertThat(waiting(client, "p")).isEqualTo(warm);
  }

  @Test
  void anUnknownTemplateIsNamedAndATemplateMadeLaterFillsThePool(KubernetesClient client) {
    client.resource(pool("p", "missing", 1)).create();
    client.resource(claim("c", "missing", null)).create();
    SandboxClaim claim =
        awaitClaim(client, "c", c -> ready(c, "False", Reasons.TEMPLATE_NOT_FOUND));
    assertThat(condition(claim.getStatus().conditions()).message())
        .startsWith("spec.sandboxTemplateRef.name: no SandboxTemplate missing");
    assertThat(claim.getStatus().sandbox()).isNull();
    SandboxWarmPool pool =
        awaitPool(client, "p", p -> poolIs(p, "False", Reasons.TEMPLATE_NOT_FOUND));
    assertThat(condition(pool.getStatus().conditions()).message())
        .startsWith("spec.sandboxTemplateRef.name: no SandboxTemplate missing");
    assertThat(client.resources(Sandbox.class).list().getItems()).isEmpty();

    client.resource(template("missing")).create();
    awaitPool(client, "p", p -> full(p, 1));
    // The claim goes on too: the pool may or may not have been ready when it looked.
    awaitClaim(client, "c", c -> ready(c, "True", null));
  }

  @Test
  void scaleSizesThePool(KubernetesClient client, TestNamespace namespace) {
    client.resource(template(TEMPLATE)).create();
    client.resource(pool("p", TEMPLATE, 1)).create();
    awaitPool(client, "p", p -> full(p, 1));

    var scaled =
        RunningOperator.kubectl(
            cluster, "scale", "sandboxwarmpool/p", "--replicas=3", "-n", namespace.name());
    assertThat(scaled.exit()).as(scaled.output()).isZero();
    awaitPool(client, "p", p -> full(p, 3));
    assertThat(waiting(client, "p")).hasSize(3);
    var scale = client.resources(SandboxWarmPool.class).withName("p").scale();
    assertThat(scale.getStatus().getReplicas()).isEqualTo(3);
    assertThat(scale.getStatus().getSelector()).isEqualTo(Sandboxes.WARM_POOL_LABEL + "=p");

    client.resources(SandboxWarmPool.class).withName("p").scale(1);
    awaitPool(client, "p", p -> full(p, 1));
    await().atMost(CONVERGE).until(() -> waiting(client, "p").size() == 1);
  }

  private static SandboxTemplate template(String name) {
    var template = new SandboxTemplate();
    template.setMetadata(new ObjectMetaBuilder().withName(name).build());
    template.setSpec(
        new SandboxTemplateSpec(
            "cpu-s", "ghcr.io/example/agent:1.0", null, null, null, null, null, null, null));
    return template;
  }

  private static SandboxWarmPool pool(String name, String template, int replicas) {
    var pool = new SandboxWarmPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    pool.setSpec(new SandboxWarmPoolSpec(replicas, new ObjectName(template)));
    return pool;
  }

  private static SandboxClaim claim(String name, String template, List<EnvVar> env) {
    var claim = new SandboxClaim();
    claim.setMetadata(new ObjectMetaBuilder().withName(name).build());
    claim.setSpec(new SandboxClaimSpec(new ObjectName(template), null, env, null));
    return claim;
  }

  private static Set<String> waiting(KubernetesClient client, String pool) {
    return client
        .resources(Sandbox.class)
        .withLabels(Map.of(Sandboxes.WARM_POOL_LABEL, pool))
        .list()
        .getItems()
        .stream()
        .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
        .map(s -> s.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static SandboxWarmPool awaitPool(
      KubernetesClient client, String name, Predicate<SandboxWarmPool> predicate) {
    return await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.resources(SandboxWarmPool.class).withName(name).get(), predicate);
  }

  private static SandboxClaim awaitClaim(
      KubernetesClient client, String name, Predicate<SandboxClaim> predicate) {
    return await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.resources(SandboxClaim.class).withName(name).get(), predicate);
  }

  private static boolean full(SandboxWarmPool pool, int replicas) {
    return poolIs(pool, "True", Reasons.POOL_FULL)
        && pool.getStatus().replicas() == replicas
        && pool.getStatus().readyReplicas() == replicas
        && pool.getMetadata().getGeneration().equals(pool.getStatus().observedGeneration());
  }

  private static boolean poolIs(SandboxWarmPool pool, String status, String reason) {
    return pool.getStatus() != null && is(pool.getStatus().conditions(), status, reason);
  }

  private static boolean ready(SandboxClaim claim, String status, String reason) {
    return claim.getStatus() != null && is(claim.getStatus().conditions(), status, reason);
  }

  private static boolean is(List<Condition> conditions, String status, String reason) {
    var c = condition(conditions);
    return c != null && status.equals(c.status()) && (reason == null || reason.equals(c.reason()));
  }

  private static Condition condition(List<Condition> conditions) {
    return Conditions.find(conditions, ConditionTypes.READY);
  }
}

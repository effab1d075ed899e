package dev.bosun.operator;

import static dev.bosun.operator.ClusterSandboxes.awaitSandbox;
import static dev.bosun.operator.ClusterSandboxes.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.SandboxWarmPoolSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.operator.client.CliActions;
import dev.bosun.operator.client.SandboxActions;
import dev.bosun.operator.client.SandboxClient;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bosun sandbox ...} (SandboxActions) against the local cluster and the operator: create
 * from a warm pool, list, status, suspend, resume, extend, url and delete, and their refusals.
 */
@ExtendWith(LocalClusterExtension.class)
class SandboxActionsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static SharedCluster cluster;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private SandboxActions sandboxes;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @BeforeEach
  void actions() {
    var cli =
        new CliActions(
            () ->
                new KubernetesClientBuilder()
                    .withConfig(cluster.client().getConfiguration())
                    .build(),
            new PrintWriter(out),
            new PrintWriter(err));
    sandboxes = new SandboxActions(cli, new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void theLifeOfASandboxThroughTheCli(KubernetesClient client, TestNamespace ns) throws Exception {
    ClusterSandboxes.prepare(client, ns.name());
    ClusterSandboxes.template(client, "agent", null);
    var pool = new SandboxWarmPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("agents").build());
    pool.setSpec(new SandboxWarmPoolSpec(1, new ObjectName("agent")));
    client.resource(pool).create();
    await()
        .atMost(WAIT)
        .until(
            () -> client.resources(SandboxWarmPool.class).withName("agents").get().getStatus(),
            s -> s != null && Integer.valueOf(1).equals(s.readyReplicas()));

    int created =
        sandboxes.create(
            new SandboxClient.Request(
                ns.name(),
                "session",
                "agent",
                "agents",
                List.of(),
                new SandboxLifecycle("1h", null, null)),
            true,
            WAIT,
            true);

    assertThat(created).as(err.toString()).isZero();
    Map<?, ?> result = json();
    String name = (String) result.get("name");
    assertThat(result.get("source")).isEqualTo(Sandboxes.SOURCE_WARM_POOL);
    assertThat(result.get("claim")).isEqualTo("session");
    assertThat(result.get("dns")).isEqualTo(Sandboxes.serviceFqdn(name, ns.name()));

    assertThat(sandboxes.list(ns.name(), false, false)).isZero();
    assertThat(out.toString()).contains(name).contains("Running");
    assertThat(sandboxes.status(ns.name(), name, false)).isZero();
    assertThat(out.toString()).contains("requested:", "scheduled:", "ready:", "expires:");

    Instant expiresBefore =
        Instant.parse(
            awaitSandbox(client, name, s -> s.getStatus().timings().expiresAt() != null)
                .getStatus()
                .timings()
                .expiresAt());
    assertThat(sandboxes.extend(ns.name(), name, Duration.ofHours(1), Instant.now(), false))
        .isZero();
    awaitSandbox(
        client,
        name,
        s ->
            expiresBefore
                .plus(Duration.ofHours(1))
                .toString()
                .equals(s.getStatus().timings().expiresAt()));

    assertThat(sandboxes.setMode(ns.name(), name, OperatingMode.Suspended, false, WAIT, false))
        .isZero();
    awaitSandbox(client, name, s -> is(s, ConditionTypes.SUSPENDED, "True", null));
    assertThat(sandboxes.setMode(ns.name(), name, OperatingMode.Running, true, WAIT, true))
        .as(err.toString())
        .isZero();
    Map<?, ?> resumed = json();
    assertThat(resumed.get("name")).isEqualTo(name);
    assertThat(resumed.get("readyInMillis")).isInstanceOf(Number.class);

    out.getBuffer().setLength(0);
    assertThat(sandboxes.url(ns.name(), name, "http://router.example:8080/", true)).isZero();
    Map<?, ?> url = json();
    assertThat(url.get("url"))
        .isEqualTo("http://router.example:8080/sandboxes/" + ns.name() + "/" + name + "/");
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(((String) url.get("token")).getBytes(StandardCharsets.UTF_8)));
    assertThat(
            client
                .resources(Sandbox.class)
                .withName(name)
                .get()
                .getMetadata()
                .getAnnotations()
                .get(Sandboxes.TOKEN_SHA256))
        .isEqualTo(hash);

    assertThat(sandboxes.delete(ns.name(), name, false)).isZero();
    assertThat(out.toString()).contains("sandboxclaim/session deleted");
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.resources(SandboxClaim.class).withName("session").get() == null
                    && client.resources(Sandbox.class).withName(name).get() == null);
  }

  @Test
  void refusalsNameWhatIsWrongWithExitCodeTwo(KubernetesClient client, TestNamespace ns) {
    ClusterSandboxes.prepare(client, ns.name());
    ClusterSandboxes.template(client, "agent", null);

    assertThat(
            sandboxes.create(
                new SandboxClient.Request(ns.name(), null, "agnet", null, List.of(), null),
                true,
                WAIT,
                false))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--template: SandboxTemplate \"agnet\" does not exist")
        .contains("(there are: agent)");
    assertThat(
            sandboxes.create(
                new SandboxClient.Request(ns.name(), null, "agent", "nopool", List.of(), null),
                true,
                WAIT,
                false))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--pool: SandboxWarmPool \"nopool\" does not exist");
    assertThat(sandboxes.status(ns.name(), "ghost", false)).isEqualTo(2);
    assertThat(err.toString())
        .contains("sandbox \"ghost\" does not exist in namespace " + ns.name());
    assertThat(client.resources(SandboxClaim.class).list().getItems()).isEmpty();
    assertThat(err.toString()).doesNotContain("\tat ", "Exception");
  }

  private Map<?, ?> json() {
    String text = out.toString().strip();
    String last = text.substring(text.lastIndexOf("\n") + 1);
    out.getBuffer().setLength(0);
    return new KubernetesSerialization().unmarshal(last, Map.class);
  }
}

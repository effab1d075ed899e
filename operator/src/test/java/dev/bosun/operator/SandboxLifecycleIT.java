package dev.bosun.operator;

import static dev.bosun.operator.ClusterSandboxes.awaitSandbox;
import static dev.bosun.operator.ClusterSandboxes.is;
import static dev.bosun.operator.ClusterSandboxes.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Sandbox's life on the local cluster: ready, suspended and resumed with the same claim, volume
 * and name; its pod deleted and replaced with the same identity; idle timeout, TTL, extension and
 * retention with short durations; bad specs refused by the schema or reported with their field.
 */
@ExtendWith(LocalClusterExtension.class)
class SandboxLifecycleIT {

  private static SharedCluster cluster;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @Test
  void suspendResumeAndPodLossKeepIdentityAndVolume(KubernetesClient client, TestNamespace ns) {
    ClusterSandboxes.prepare(client, ns.name());
    ClusterSandboxes.template(client, "agent", null);
    ClusterSandboxes.sandbox(client, "alice", "agent", null);

    Sandbox first =
        awaitSandbox(client, "alice", s -> ready(s) && s.getStatus().volumeName() != null);
    assertThat(first.getStatus().podName()).isEqualTo("alice");
    assertThat(first.getStatus().podIP()).isNotNull();
    assertThat(first.getStatus().serviceFQDN())
        .isEqualTo("alice." + ns.name() + ".svc.cluster.local");
    assertThat(first.getStatus().timings().readyAt()).isNotNull();
    String volume = first.getStatus().volumeName();
    String claimUid = claim(client).getMetadata().getUid();
    // A real PersistentVolume (testkit's provisioner), bound to this sandbox's claim.
    PersistentVolume bound = client.persistentVolumes().withName(volume).get();
    assertThat(bound.getStatus().getPhase()).isEqualTo("Bound");
    assertThat(bound.getSpec().getClaimRef().getUid()).isEqualTo(claimUid);
    String volumeUid = bound.getMetadata().getUid();
    String serviceUid = client.services().withName("alice").get().getMetadata().getUid();

    // The pod deleted by someone: another of the same name, on the same claim and volume.
    String podUid = client.pods().withName("alice").get().getMetadata().getUid();
    client.pods().withName("alice").withGracePeriod(0).delete();
    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(
            () -> {
              Pod pod = client.pods().withName("alice").get();
              return pod != null && !podUid.equals(pod.getMetadata().getUid());
            });
    Sandbox replaced =
        awaitSandbox(client, "alice", s -> ready(s) && s.getStatus().podName() != null);
    assertThat(replaced.getStatus().volumeName()).isEqualTo(volume);
    assertThat(claim(client).getMetadata().getUid()).isEqualTo(claimUid);

    // The pod ends for good (phase Failed): deleted and made again, same name, claim and volume.
    Pod running = client.pods().withName("alice").get();
    running.getStatus().setPhase("Failed");
    client.pods().resource(running).updateStatus();
    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(
            () -> {
              Pod pod = client.pods().withName("alice").get();
              return pod != null
                  && !running.getMetadata().getUid().equals(pod.getMetadata().getUid());
            });
    assertThat(
            awaitSandbox(client, "alice", s -> ready(s) && s.getStatus().podName() != null)
                .getStatus()
                .volumeName())
        .isEqualTo(volume);

    // Suspended: the pod goes, the claim, the Service and the token stay.
    ClusterSandboxes.patchSpec(client, "alice", "{\"operatingMode\":\"Suspended\"}");
    Sandbox suspended =
        awaitSandbox(
            client,
            "alice",
            s ->
                is(s, ConditionTypes.SUSPENDED, "True", Reasons.SUSPENDED_BY_REQUEST)
                    && s.getStatus().operatingMode() == OperatingMode.Suspended);
    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(() -> client.pods().withName("alice").get() == null);
    assertThat(suspended.getStatus().timings().suspendedAt()).isNotNull();
    assertThat(claim(client).getMetadata().getUid()).isEqualTo(claimUid);
    assertThat(client.services().withName("alice").get().getMetadata().getUid())
        .isEqualTo(serviceUid);
    assertThat(client.secrets().withName(Sandboxes.tokenSecretName("alice")).get()).isNotNull();

    // Resumed: the same claim, volume and name.
    ClusterSandboxes.patchSpec(client, "alice", "{\"operatingMode\":\"Running\"}");
    Sandbox resumed =
        awaitSandbox(client, "alice", s -> ready(s) && s.getStatus().podName() != null);
    assertThat(resumed.getStatus().volumeName()).isEqualTo(volume);
    assertThat(client.persistentVolumes().withName(volume).get().getMetadata().getUid())
        .isEqualTo(volumeUid);
    assertThat(resumed.getStatus().serviceFQDN()).isEqualTo(first.getStatus().serviceFQDN());
    assertThat(claim(client).getMetadata().getUid()).isEqualTo(claimUid);
    assertThat(client.services().withName("alice").get().getMetadata().getUid())
        .isEqualTo(serviceUid);
    assertThat(resumed.getStatus().timings().requestedAt())
        .isGreaterThan(first.getStatus().timings().requestedAt());
  }

  @Test
  void anIdleSandboxIsSuspended(KubernetesClient client, TestNamespace ns) {
    ClusterSandboxes.prepare(client, ns.name());
    ClusterSandboxes.template(client, "agent", new SandboxLifecycle(null, "3s", null));
    ClusterSandboxes.sandbox(client, "idler", "agent", null);
    awaitSandbox(client, "idler", ClusterSandboxes::ready);
    Sandbox idle =
        awaitSandbox(
            client, "idler", s -> is(s, ConditionTypes.SUSPENDED, "True", Reasons.IDLE_TIMEOUT));
    assertThat(idle.getSpec().operatingMode()).isEqualTo(OperatingMode.Suspended);
    assertThat(is(idle, ConditionTypes.READY, "False", Reasons.IDLE_TIMEOUT)).isTrue();
    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(() -> client.pods().withName("idler").get() == null);
  }

  @Test
  void theTtlDeletesExtendsAndRetains(KubernetesClient client, TestNamespace ns) {
    ClusterSandboxes.prepare(client, ns.name());
    ClusterSandboxes.template(client, "agent", null);
    ClusterSandboxes.sandbox(client, "brief", "agent", new SandboxLifecycle("4s", null, null));
    ClusterSandboxes.sandbox(client, "extended", "agent", new SandboxLifecycle("5s", null, null));
    // Expires after "extended" would have: its deletion shows that time has come, no clock needed.
    ClusterSandboxes.sandbox(client, "control", "agent", new SandboxLifecycle("7s", null, null));
    ClusterSandboxes.sandbox(
        client, "kept", "agent", new SandboxLifecycle("4s", null, ShutdownPolicy.Retain));
    Sandbox extended =
        awaitSandbox(
            client,
            "extended",
            s -> s.getStatus().timings() != null && s.getStatus().timings().expiresAt() != null);
    String firstExpiry = extended.getStatus().timings().expiresAt();
    ClusterSandboxes.patchSpec(client, "extended", "{\"lifecycle\":{\"ttl\":\"1h\"}}");

    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(() -> client.resources(Sandbox.class).withName("brief").get() == null);
    Sandbox kept =
        awaitSandbox(
            client, "kept", s -> is(s, ConditionTypes.EXPIRED, "True", Reasons.TTL_EXPIRED));
    assertThat(is(kept, ConditionTypes.SUSPENDED, "True", Reasons.TTL_EXPIRED)).isTrue();
    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(() -> client.pods().withName("kept").get() == null);
    assertThat(claimOf(client, "kept")).isNotNull();

    await()
        .atMost(ClusterSandboxes.CONVERGE)
        .until(() -> client.resources(Sandbox.class).withName("control").get() == null);
    assertThat(client.resources(Sandbox.class).withName("extended").get()).isNotNull();
    assertThat(
            awaitSandbox(
                    client,
                    "extended",
                    s -> !firstExpiry.equals(s.getStatus().timings().expiresAt()))
                .getStatus()
                .timings()
                .expiresAt())
        .isGreaterThan(firstExpiry);
  }

  @Test
  void badSpecsAreRefusedOrReportedWithTheirField(KubernetesClient client, TestNamespace ns)
      throws IOException {
    ClusterSandboxes.prepare(client, ns.name());
    // Refused by the schema: a Secret of another namespace (a key reference has no namespace; the
    // field is unknown, and kubectl's strict validation says so).
    Path thief = Files.createTempFile("sandbox", ".yaml");
    Files.writeString(
        thief,
        """
        apiVersion: bosun.dev/v1alpha1
        kind: Sandbox
        metadata: {name: thief, namespace: %s}
        spec:
          sandboxTemplateRef: {name: agent}
          env:
          - {name: STOLEN, secret: {name: db, namespace: other, key: password}}
        """
            .formatted(ns.name()));
    RunningOperator.Result refused =
        RunningOperator.kubectl(cluster, "create", "-f", thief.toString());
    Files.delete(thief);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("unknown field \"spec.env[0].secret.namespace\"");
    // Refused by the schema: a negative TTL.
    assertThatThrownBy(
            () ->
                client
                    .resource(
                        SandboxFixtures.sandbox(
                            "negative", "agent", new SandboxLifecycle("-5m", null, null)))
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.lifecycle.ttl");
    // Reported: an unknown template, a template of an unknown tier.
    client.resource(SandboxFixtures.sandbox("orphan", "nowhere", null)).create();
    Sandbox orphan =
        awaitSandbox(
            client,
            "orphan",
            s -> is(s, ConditionTypes.READY, "False", Reasons.TEMPLATE_NOT_FOUND));
    assertThat(ClusterSandboxes.conditionMessage(orphan))
        .startsWith("spec.sandboxTemplateRef.name:");
    client.resource(SandboxFixtures.template("huge", "cpu-xxl", null)).create();
    client.resource(SandboxFixtures.sandbox("big", "huge", null)).create();
    Sandbox big =
        awaitSandbox(
            client, "big", s -> is(s, ConditionTypes.READY, "False", Reasons.TIER_NOT_FOUND));
    assertThat(ClusterSandboxes.conditionMessage(big)).contains("spec.size: tier \"cpu-xxl\"");
    assertThat(client.pods().withName("orphan").get()).isNull();
    assertThat(client.pods().withName("big").get()).isNull();
    assertThat(client.services().withName("big").get()).isNull();
  }

  private static PersistentVolumeClaim claim(KubernetesClient client) {
    return claimOf(client, "alice");
  }

  private static PersistentVolumeClaim claimOf(KubernetesClient client, String sandbox) {
    return client.persistentVolumeClaims().withName(Sandboxes.volumeClaimName(sandbox)).get();
  }
}

package dev.bosun.operator;

import static dev.bosun.operator.ClusterSandboxes.awaitSandbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sandbox's isolation as the real API server sees it: the pod admitted in a namespace that
 * enforces the restricted standard (and a weakened copy refused there), the NetworkPolicy denying
 * by default and allowing exactly DNS, the allow-list and the router, the token's hash on the
 * Sandbox, and egress that is not a CIDR refused by the schema. (The local cluster's network
 * enforces no NetworkPolicy; what is checked is the policy the API server stored.)
 */
@ExtendWith(LocalClusterExtension.class)
class SandboxIsolationIT {

  @BeforeAll
  static void operator(SharedCluster cluster) {
    RunningOperator.ensureStarted(cluster);
  }

  @Test
  void thePodIsAdmittedUnderRestrictedAndThePolicyAllowsExactlyTheList(
      KubernetesClient client, TestNamespace ns) throws Exception {
    ClusterSandboxes.prepare(client, ns.name());
    SandboxTemplate template =
        SandboxFixtures.template(
            "net",
            "cpu-s",
            9000,
            null,
            List.of(new EgressRule("0.0.0.0/0", List.of(443)), new EgressRule("10.1.2.0/24", null)),
            null);
    client.resource(template).create();
    ClusterSandboxes.sandbox(client, "iso", "net", null);
    Sandbox ready = awaitSandbox(client, "iso", ClusterSandboxes::ready);
    assertThat(ready.getStatus().port()).isEqualTo(9000);

    Pod pod = client.pods().withName("iso").get();
    assertThat(pod.getSpec().getRuntimeClassName()).isEqualTo(Sandboxes.RUNTIME_CLASS);
    assertThat(pod.getSpec().getHostUsers()).isFalse();
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getHostname()).isEqualTo("iso");
    assertThat(pod.getSpec().getSubdomain()).isEqualTo("iso");
    // No projected service-account token: the admission plugin adds none when automount is off.
    assertThat(pod.getSpec().getVolumes()).allSatisfy(v -> assertThat(v.getProjected()).isNull());
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(ready.getMetadata().getUid()));

    // The namespace does enforce the standard: the same pod, weakened, is refused.
    Pod weakened =
        new PodBuilder(pod)
            .withNewMetadata()
            .withName("iso-weakened")
            .endMetadata()
            .editSpec()
            .editFirstContainer()
            .editSecurityContext()
            .withAllowPrivilegeEscalation(true)
            .endSecurityContext()
            .endContainer()
            .withNodeName(null)
            .endSpec()
            .withStatus(null)
            .build();
    assertThatThrownBy(() -> client.pods().resource(weakened).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("restricted");

    NetworkPolicy policy = client.network().v1().networkPolicies().withName("iso").get();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Map.of(Sandboxes.SANDBOX_LABEL, "iso"));
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      from ->
                          assertThat(from.getPodSelector().getMatchLabels())
                              .isEqualTo(Map.of(Sandboxes.ROUTER_LABEL, Sandboxes.ROUTER_NAME)));
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9000));
            });
    List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
    assertThat(egress).hasSize(3);
    assertThat(egress.get(0).getTo().getFirst().getPodSelector().getMatchLabels())
        .isEqualTo(Map.of("k8s-app", "kube-dns"));
    assertThat(egress.get(1).getTo().getFirst().getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
    assertThat(egress.get(1).getTo().getFirst().getIpBlock().getExcept())
        .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.169.254/32");
    assertThat(egress.get(1).getPorts().getFirst().getPort().getIntVal()).isEqualTo(443);
    // A private range listed on purpose is allowed, and nothing is cut out of it.
    assertThat(egress.get(2).getTo().getFirst().getIpBlock().getCidr()).isEqualTo("10.1.2.0/24");
    assertThat(egress.get(2).getTo().getFirst().getIpBlock().getExcept()).isEmpty();

    // The token: random, in its Secret; its hash on the Sandbox.
    Secret secret = client.secrets().withName(Sandboxes.tokenSecretName("iso")).get();
    String token =
        new String(
            Base64.getDecoder().decode(secret.getData().get(Sandboxes.TOKEN_KEY)),
            StandardCharsets.UTF_8);
    assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
    assertThat(ready.getMetadata().getAnnotations())
        .containsEntry(
            Sandboxes.TOKEN_SHA256,
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void egressThatIsNotACidrIsRefusedByTheSchema(KubernetesClient client) {
    SandboxTemplate template =
        SandboxFixtures.template(
            "bad", "cpu-s", null, null, List.of(new EgressRule("example.com", null)), null);
    assertThatThrownBy(() -> client.resource(template).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.egress[0].cidr");
  }
}

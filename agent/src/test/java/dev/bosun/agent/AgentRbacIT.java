package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.localcluster.NvidiaResourceSlice;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.TokenClients;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * deploy/agent's RBAC and admission policy, applied to the local cluster and exercised with the
 * token a real agent pod gets (bound to a pod on a node): the agent may write its own node's
 * condition and GpuNodeHealth, and nothing of another node's; it may read the GpuHealthPolicy it
 * follows; and nothing else.
 */
@ExtendWith(LocalClusterExtension.class)
class AgentRbacIT {

  static final Path DEPLOY = Path.of("../deploy/agent");
  static final String NAMESPACE = "bosun-node";

  GpuFleet fleet;

  @AfterEach
  void cleanUp() {
    if (fleet != null) fleet.delete();
  }

  @Test
  void anAgentWritesItsOwnNodeAndNoOtherOne(KubernetesClient admin) throws Exception {
    for (String file :
        List.of(
            "../crds/gpunodehealths.bosun.dev-v1.yml",
            "../crds/gpuhealthpolicies.bosun.dev-v1.yml",
            "namespace.yaml",
            "rbac.yaml")) {
      try (InputStream in = Files.newInputStream(DEPLOY.resolve(file))) {
        for (HasMetadata o : admin.load(in).items()) {
          // The extension's client defaults to the test's namespace; these objects name their own.
          String ns = o.getMetadata().getNamespace();
          (ns == null ? admin.resource(o) : admin.resource(o).inNamespace(ns))
              .forceConflicts()
              .serverSideApply();
        }
      }
    }
    Crds.awaitEstablished(admin, "gpunodehealths.bosun.dev");
    Crds.awaitEstablished(admin, "gpuhealthpolicies.bosun.dev");
    fleet =
        new GpuFleet(
            admin,
            "agent-rbac-" + Long.toString(System.nanoTime() % 1_000_000, 36),
            GpuProduct.H100_80GB_HBM3,
            8);
    List<String> nodes = fleet.addNodes(0, 2);
    String mine = nodes.get(0), other = nodes.get(1);
    fleet.awaitReady(2, Duration.ofMinutes(1));

    var pod =
        admin
            .pods()
            .inNamespace(NAMESPACE)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withGenerateName("bosun-agent-")
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(mine)
                    .withServiceAccountName("bosun-agent")
                    .addNewToleration()
                    .withOperator("Exists")
                    .endToleration()
                    .addNewContainer()
                    .withName("agent")
                    .withImage("bosun/agent:0.1.0")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    try {
      String token =
          admin
              .serviceAccounts()
              .inNamespace(NAMESPACE)
              .withName("bosun-agent")
              .tokenRequest(
                  new TokenRequestBuilder()
                      .withNewSpec()
                      .withExpirationSeconds(600L)
                      .withNewBoundObjectRef()
                      .withApiVersion("v1")
                      .withKind("Pod")
                      .withName(pod.getMetadata().getName())
                      .withUid(pod.getMetadata().getUid())
                      .endBoundObjectRef()
                      .endSpec()
                      .build())
              .getStatus()
              .getToken();
      Config config = TokenClients.config(admin, token);
      try (KubernetesClient asAgent = new KubernetesClientBuilder().withConfig(config).build()) {
        // An admission policy is enforced once the API server's informer has it, a moment after it
        // is applied: wait for that with dry runs, which admission judges too and which write
        // nothing.
        GpuNodeHealth probe = new GpuNodeHealth();
        probe.setMetadata(new ObjectMetaBuilder().withName(other).build());
        probe.setSpec(new GpuNodeHealthSpec(other));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThatThrownBy(() -> asAgent.resource(probe).dryRun().create())
                        .hasMessageContaining("may write only its own node"));
        // The agent's own transport with the pod's token, and a fabric8 client with the same token
        // for the 403 checks.
        Condition healthy =
            new Condition(
                ConditionTypes.GPU_HEALTHY,
                "True",
                1L,
                "2026-11-28T10:00:00Z",
                Reasons.GPUS_HEALTHY,
                "all 8 GPUs healthy");
        var own = new KubePublisher(new KubeApi(config), mine);
        long generation = own.ensure();
        own.writeStatus(
            new GpuNodeHealthStatus(
                generation,
                List.of(healthy),
                "2026-11-28T10:00:00Z",
                "simulated",
                null,
                null,
                List.of(),
                List.of(),
                Map.of()));
        own.writeCondition(healthy, Instant.now());
        assertThat(admin.resources(GpuNodeHealth.class).withName(mine).get().getStatus().source())
            .isEqualTo("simulated");
        assertThat(admin.nodes().withName(mine).get().getStatus().getConditions())
            .anySatisfy(
                c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("GpuHealthy=True"));

        var foreign = new KubePublisher(new KubeApi(config), other);
        assertThatThrownBy(() -> foreign.writeCondition(healthy, Instant.now()))
            .hasMessageContaining("may write only its own node");
        assertThatThrownBy(foreign::ensure).hasMessageContaining("may write only its own node");
        assertThat(admin.nodes().withName(other).get().getStatus().getConditions())
            .noneSatisfy(c -> assertThat(c.getType()).isEqualTo(ConditionTypes.GPU_HEALTHY));

        // It may read the policy it follows (none here: a 404, not a 403), and no other.
        assertThat(new PolicyReader(new KubeApi(config)).read()).isNull();
        var policies = asAgent.genericKubernetesResources("bosun.dev/v1alpha1", "GpuHealthPolicy");
        assertThatThrownBy(() -> policies.withName("another").get())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(policies::list)
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

        assertThatThrownBy(() -> asAgent.nodes().withName(other).delete())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(() -> asAgent.secrets().inNamespace(NAMESPACE).list())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(() -> asAgent.resources(GpuNodeHealth.class).withName(mine).delete())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

        // Which pod holds which GPU: the claim watch's own requests, and no write of either kind.
        var api = new KubeApi(config);
        assertThat(api.get(ClaimWatch.CLAIMS + "?limit=" + ClaimWatch.PAGE).code()).isEqualTo(200);
        try (var watch =
            api.getLines(ClaimWatch.CLAIMS + "?watch=1&timeoutSeconds=1", Duration.ofSeconds(1))) {
          assertThat(watch.code()).isEqualTo(200);
        }
        assertThat(api.get(ClaimWatch.SLICES + "?fieldSelector=spec.nodeName%3D" + mine).code())
            .isEqualTo(200);
        assertThatThrownBy(
                () ->
                    asAgent
                        .resources(ResourceSlice.class)
                        .withName(mine + "-" + NvidiaResourceSlice.DRIVER)
                        .delete())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(
                () -> asAgent.resources(ResourceClaim.class).inNamespace(NAMESPACE).delete())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      }
    } finally {
      admin
          .pods()
          .inNamespace(NAMESPACE)
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
      admin.resources(GpuNodeHealth.class).withName(mine).delete();
    }
  }
}

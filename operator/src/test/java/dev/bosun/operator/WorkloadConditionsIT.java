package dev.bosun.operator;

import static dev.bosun.operator.ClusterWorkloads.awaitStatus;
import static dev.bosun.operator.ClusterWorkloads.condition;
import static dev.bosun.operator.ClusterWorkloads.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentPolicies;
import dev.bosun.api.v1alpha1.EnvironmentSpec;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierGpuBuilder;
import dev.bosun.api.v1alpha1.TierQuota;
import dev.bosun.api.v1alpha1.TierSpecBuilder;
import dev.bosun.compiler.Labels;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reasons a Workload's status gives when it cannot run, and the GPU readiness gate following
 * the node agent's report.
 */
@ExtendWith(LocalClusterExtension.class)
class WorkloadConditionsIT {
  private static final String DIGEST_IMAGE =
      "registry.example.com/acme/chat@sha256:31e06f7d89feb99a0e6c0affe198748c3bb5bef5e3cc92d95cb9e996197d3fc3";
  private static KubernetesClient admin;
  private final List<Runnable> cleanups = new ArrayList<>();

  @BeforeAll
  static void operator(SharedCluster cluster) {
    RunningOperator.ensureStarted(cluster);
    admin = cluster.client();
  }

  @AfterEach
  void cleanUp() {
    cleanups.forEach(Runnable::run);
  }

  @Test
  void aMissingTierIsNamed(KubernetesClient client) {
    client.resource(Workloads.service("web", "cpu-nope", 1, 1)).create();
    var workload =
        awaitStatus(
            client, "web", w -> is(w, ConditionTypes.DEGRADED, "True", Reasons.TIER_NOT_FOUND));
    assertThat(condition(workload, ConditionTypes.DEGRADED).message())
        .contains("spec.size")
        .contains("cpu-nope");
    assertThat(is(workload, ConditionTypes.READY, "False", Reasons.TIER_NOT_FOUND)).isTrue();
  }

  @Test
  void aWorkloadBreakingItsEnvironmentsPolicyNamesTheField(
      KubernetesClient client, TestNamespace namespace) {
    environment(
        namespace,
        new EnvironmentSpecBuilder()
            .withNamespace(namespace.name())
            .withPolicies(new EnvironmentPolicies(true, null))
            .build());
    client.resource(Workloads.service("web", "cpu-s", 1, 1)).create();

    var workload =
        awaitStatus(
            client, "web", w -> is(w, ConditionTypes.DEGRADED, "True", Reasons.INVALID_SPEC));
    assertThat(condition(workload, ConditionTypes.DEGRADED).message()).contains("spec.image");
    assertThat(workload.getStatus().environment()).isEqualTo("env-" + namespace.name());
    assertThat(client.apps().deployments().withName("web").get()).isNull();
  }

  @Test
  void anEnvironmentMakesItsNamespaceRestrictedWithQuotaLimitsAndDefaultDeny(
      KubernetesClient client, TestNamespace namespace) {
    environment(
        namespace,
        new EnvironmentSpecBuilder()
            .withNamespace(namespace.name())
            .withQuotas(List.of(new TierQuota("gpu-m", 3), new TierQuota("gpu-xl", 1)))
            .build());

    await()
        .atMost(ClusterWorkloads.CONVERGE)
        // An object not made yet reads as null until the reconciler has applied it.
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .namespaces()
                          .withName(namespace.name())
                          .get()
                          .getMetadata()
                          .getLabels())
                  .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                  .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                  .containsEntry(Labels.ENVIRONMENT, "env-" + namespace.name());
              ResourceQuota quota =
                  client
                      .resources(ResourceQuota.class)
                      .withName(EnvironmentObjects.QUOTA_NAME)
                      .get();
              assertThat(quota).isNotNull();
              // 3 pods x 1 GPU of gpu-m plus 1 pod x 8 GPUs of gpu-xl, both of device class
              // gpu.nvidia.com.
              assertThat(
                      quota
                          .getSpec()
                          .getHard()
                          .get("gpu.nvidia.com.deviceclass.resource.k8s.io/devices")
                          .toString())
                  .isEqualTo("11");
              assertThat(
                      client
                          .resources(LimitRange.class)
                          .withName(EnvironmentObjects.LIMIT_RANGE_NAME)
                          .get())
                  .isNotNull();
              NetworkPolicy deny =
                  client
                      .network()
                      .networkPolicies()
                      .withName(EnvironmentObjects.DEFAULT_DENY_NAME)
                      .get();
              assertThat(deny.getSpec().getPolicyTypes())
                  .containsExactlyInAnyOrder("Ingress", "Egress");
              Environment env =
                  admin.resources(Environment.class).withName("env-" + namespace.name()).get();
              assertThat(Conditions.isTrue(env.getStatus().conditions(), ConditionTypes.READY))
                  .isTrue();
            });

    // No quota any more: the quota leaves the inventory and is deleted; the namespace stays.
    admin
        .resources(Environment.class)
        .withName("env-" + namespace.name())
        .edit(
            e -> {
              e.setSpec(new EnvironmentSpecBuilder().withNamespace(namespace.name()).build());
              return e;
            });
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        // An object not made yet reads as null until the reconciler has applied it.
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .resources(ResourceQuota.class)
                          .withName(EnvironmentObjects.QUOTA_NAME)
                          .get())
                  .isNull();
              assertThat(
                      admin
                          .resources(Environment.class)
                          .withName("env-" + namespace.name())
                          .get()
                          .getStatus()
                          .children())
                  .extracting(c -> c.kind() + "/" + c.name())
                  .containsExactlyInAnyOrder(
                      "LimitRange/" + EnvironmentObjects.LIMIT_RANGE_NAME,
                      "NetworkPolicy/" + EnvironmentObjects.DEFAULT_DENY_NAME);
            });
    assertThat(client.namespaces().withName(namespace.name()).get()).isNotNull();
  }

  @Test
  void aWorkloadOverQuotaSaysSo(KubernetesClient client, TestNamespace namespace) {
    environment(
        namespace,
        new EnvironmentSpecBuilder()
            .withNamespace(namespace.name())
            .withQuotas(List.of(new TierQuota("gpu-m", 1)))
            .build());
    await()
        .atMost(ClusterWorkloads.CONVERGE)
        .until(
            () ->
                client.resources(ResourceQuota.class).withName(EnvironmentObjects.QUOTA_NAME).get()
                    != null);
    client.resource(Workloads.inference("chat", "gpu-m", 2, DIGEST_IMAGE)).create();

    var workload =
        awaitStatus(
            client, "chat", w -> is(w, ConditionTypes.DEGRADED, "True", Reasons.QUOTA_EXCEEDED));
    assertThat(condition(workload, ConditionTypes.DEGRADED).message()).contains("exceeded quota");
    assertThat(is(workload, ConditionTypes.READY, "False", null)).isTrue();
  }

  @Test
  void gpuPodsPassTheirReadinessGateAndBecomeReady(KubernetesClient client) {
    client.resource(Workloads.inference("chat", "gpu-m", 1, DIGEST_IMAGE)).create();

    awaitStatus(client, "chat", w -> is(w, ConditionTypes.READY, "True", null));
    Pod pod = client.pods().withLabel(Labels.WORKLOAD, "chat").list().getItems().getFirst();
    assertThat(pod.getSpec().getReadinessGates())
        .anyMatch(g -> g.getConditionType().equals(ConditionTypes.GPU_HEALTHY_GATE));
    assertThat(pod.getStatus().getConditions())
        .anyMatch(
            c ->
                c.getType().equals(ConditionTypes.GPU_HEALTHY_GATE)
                    && c.getStatus().equals("True"));
  }

  @Test
  void aPodLeavesItsServiceWhileAGpuItHoldsIsUnhealthyAndComesBack(KubernetesClient client) {
    client.resource(Workloads.inference("chat", "gpu-m", 2, DIGEST_IMAGE)).create();
    awaitStatus(client, "chat", w -> is(w, ConditionTypes.READY, "True", null));
    List<Pod> pods = client.pods().withLabel(Labels.WORKLOAD, "chat").list().getItems();
    Pod sick = pods.getFirst();
    Pod other = pods.getLast();
    String node = sick.getSpec().getNodeName();
    String device = nvidiaDevice(client, sick);
    int index = Integer.parseInt(device.substring("gpu-".length()));
    cleanups.add(() -> admin.resources(GpuNodeHealth.class).withName(node).delete());

    report(node, index, GpuHealthStatus.Unhealthy);

    awaitGate(client, sick, "False", Reasons.GPU_UNHEALTHY);
    assertThat(gate(client, sick).getMessage()).contains(device, "Xid 79");
    awaitEndpointReady(client, sick, false);
    // The other pod holds another GPU, of this node or another: it keeps serving.
    awaitEndpointReady(client, other, true);
    assertThat(gate(client, other).getStatus()).isEqualTo("True");

    report(node, index, GpuHealthStatus.Healthy);

    awaitGate(client, sick, "True", Reasons.GPUS_HEALTHY);
    awaitEndpointReady(client, sick, true);

    // A fault cleared at once: a fault report closes gates at once, beside the Workload's
    // reconciliation, and whichever writes last, the gate ends as the last report says.
    report(node, index, GpuHealthStatus.Unhealthy);
    report(node, index, GpuHealthStatus.Healthy);
    await(sick.getMetadata().getName() + "'s GPU gate True for 3 s")
        .during(Duration.ofSeconds(3))
        .atMost(ClusterWorkloads.CONVERGE)
        .until(() -> gate(client, sick).getStatus().equals("True"));
    awaitEndpointReady(client, sick, true);
  }

  /** The NVIDIA device the pod's claim holds on its node. */
  private static String nvidiaDevice(KubernetesClient client, Pod pod) {
    String claim = pod.getStatus().getResourceClaimStatuses().getFirst().getResourceClaimName();
    return admin
        .resources(ResourceClaim.class)
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(claim)
        .get()
        .getStatus()
        .getAllocation()
        .getDevices()
        .getResults()
        .getFirst()
        .getDevice();
  }

  /**
   * Publishes what the node agent would: every GPU of the node's ResourceSlice healthy but the one
   * given, in the given health.
   */
  private static void report(String node, int index, GpuHealthStatus health) {
    List<GpuDeviceHealth> gpus =
        admin
            .resources(ResourceSlice.class)
            .withField("spec.nodeName", node)
            .list()
            .getItems()
            .stream()
            .flatMap(slice -> slice.getSpec().getDevices().stream())
            .map(d -> Integer.parseInt(d.getName().substring("gpu-".length())))
            .map(
                i ->
                    i == index && health == GpuHealthStatus.Unhealthy
                        ? gpu(i, GpuHealthStatus.Unhealthy, "Xid 79: the GPU fell off the bus")
                        : gpu(i, GpuHealthStatus.Healthy, null))
            .toList();
    boolean healthy = health == GpuHealthStatus.Healthy;
    var report = new GpuNodeHealth();
    report.setMetadata(new ObjectMetaBuilder().withName(node).build());
    report.setSpec(new GpuNodeHealthSpec(node));
    if (admin.resources(GpuNodeHealth.class).withName(node).get() == null) {
      admin.resource(report).create();
    }
    report.setStatus(
        new GpuNodeHealthStatus(
            null,
            List.of(
                new Condition(
                    ConditionTypes.GPU_HEALTHY,
                    healthy ? "True" : "False",
                    null,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                    healthy ? Reasons.GPUS_HEALTHY : Reasons.GPU_UNHEALTHY,
                    healthy ? "Every GPU is healthy" : "GPU " + index + ": Xid 79")),
            Instant.now().toString(),
            "simulated",
            null,
            null,
            gpus,
            null,
            null));
    admin
        .resources(GpuNodeHealth.class)
        .withName(node)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("status", report.getStatus())));
  }

  private static GpuDeviceHealth gpu(int index, GpuHealthStatus health, String reason) {
    return new GpuDeviceHealth(
        index, "GPU-it-" + index, null, null, true, health, reason, null, null, null, null, null);
  }

  private static PodCondition gate(KubernetesClient client, Pod pod) {
    return client
        .pods()
        .withName(pod.getMetadata().getName())
        .get()
        .getStatus()
        .getConditions()
        .stream()
        .filter(c -> c.getType().equals(ConditionTypes.GPU_HEALTHY_GATE))
        .findFirst()
        .orElseThrow();
  }

  private static void awaitGate(KubernetesClient client, Pod pod, String status, String reason) {
    await(pod.getMetadata().getName() + "'s GPU gate " + status)
        .atMost(ClusterWorkloads.CONVERGE)
        .until(
            () -> gate(client, pod),
            c -> c.getStatus().equals(status) && c.getReason().equals(reason));
  }

  private static void awaitEndpointReady(KubernetesClient client, Pod pod, boolean ready) {
    await(pod.getMetadata().getName() + "'s endpoint ready=" + ready)
        .atMost(ClusterWorkloads.CONVERGE)
        .until(
            () ->
                client
                    .resources(EndpointSlice.class)
                    .withLabel("kubernetes.io/service-name", "chat")
                    .list()
                    .getItems()
                    .stream()
                    .flatMap(slice -> slice.getEndpoints().stream())
                    .filter(
                        e ->
                            e.getTargetRef() != null
                                && pod.getMetadata().getName().equals(e.getTargetRef().getName()))
                    .map(e -> e.getConditions().getReady())
                    .toList(),
            readiness -> readiness.equals(List.of(ready)));
  }

  @Test
  void anUnschedulablePodGivesTheSchedulersReason(
      KubernetesClient client, TestNamespace namespace) {
    String tierName = "gpu-16-" + namespace.name().substring(namespace.name().length() - 4);
    var tier = admin.resources(Tier.class).withName("gpu-xl").get();
    var big = new Tier();
    big.setMetadata(new ObjectMetaBuilder().withName(tierName).build());
    big.setSpec(
        new TierSpecBuilder(tier.getSpec())
            .withDescription("Sixteen GPUs on one node: more than any node has.")
            .withGpu(new TierGpuBuilder(tier.getSpec().gpu()).withCount(16).build())
            .build());
    admin.resource(big).create();
    cleanups.add(() -> admin.resources(Tier.class).withName(tierName).delete());

    client.resource(Workloads.inference("huge", tierName, 1, DIGEST_IMAGE)).create();

    var workload =
        awaitStatus(
            client, "huge", w -> is(w, ConditionTypes.DEGRADED, "True", Reasons.UNSCHEDULABLE));
    assertThat(condition(workload, ConditionTypes.DEGRADED).message()).contains("0/");
    assertThat(is(workload, ConditionTypes.PROGRESSING, "False", Reasons.BLOCKED)).isTrue();
  }

  private void environment(TestNamespace namespace, EnvironmentSpec spec) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName("env-" + namespace.name()).build());
    environment.setSpec(spec);
    admin.resource(environment).create();
    cleanups.add(() -> admin.resource(environment).delete());
  }
}

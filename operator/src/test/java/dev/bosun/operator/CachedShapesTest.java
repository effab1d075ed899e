package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxStatus;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import dev.bosun.compiler.Labels;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A cached object must answer every question the reconciler asks as the full object would: the
 * status it leads to, the readiness gate, the Workload a pod belongs to.
 */
class CachedShapesTest {
  private static final Instant NOW = Instant.parse("2026-11-28T05:00:00Z");
  private static final ManagedFieldsEntry MANAGED = managedFields();

  /** The kubelet's pod condition, not Bosun's. */
  private static final String POD_READY = "Ready";

  static Stream<Pod> pods() {
    return Stream.of(
        pod(
            "Pending",
            WorkloadObservation.POD_SCHEDULED,
            "False",
            WorkloadObservation.POD_UNSCHEDULABLE,
            true),
        pod("Pending", ConditionTypes.GPU_HEALTHY_GATE, "False", null, true),
        pod(
            "Running",
            ConditionTypes.GPU_HEALTHY_GATE,
            "True",
            Reasons.NO_GPU_HEALTH_REPORTED,
            true),
        pod("Running", POD_READY, "True", null, false));
  }

  @Test
  void aCachedWorkloadKeepsItsWholeInventoryWithSharedStrings() {
    Workload full = Workloads.service("web", "cpu-s", 1, 1);
    full.getMetadata().setManagedFields(List.of(MANAGED));
    List<ChildReference> inventory =
        List.of(
            new ChildReference(new String("apps/v1"), new String("Deployment"), "team", "web"),
            new ChildReference("v1", new String("Service"), new String("team"), "web"));
    full.setStatus(
        new WorkloadStatus(
            1L, List.of(), "cpu-s", null, 1, 0, null, null, null, null, inventory, null));

    Workload cached = throughStore(CachedShapes::withoutManagedFields, full);

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec()).isEqualTo(full.getSpec());
    assertThat(cached.getStatus()).isEqualTo(full.getStatus());
    assertThat(cached.getStatus().children().getFirst().apiVersion()).isSameAs("apps/v1");
    assertThat(cached.getStatus().children().getLast().namespace()).isSameAs("team");
  }

  @Test
  void aCachedSandboxKeepsItsWholeInventoryWithSharedStrings() {
    Sandbox full = SandboxFixtures.sandbox("alice", "agent", null);
    full.getMetadata().setManagedFields(List.of(MANAGED));
    List<ChildReference> inventory =
        List.of(new ChildReference("v1", new String("Service"), new String("team"), "alice"));
    full.setStatus(
        new SandboxStatus(
            1L, List.of(), null, null, null, null, null, null, null, null, null, null, null,
            inventory));

    Sandbox cached = throughStore(CachedShapes::withoutManagedFields, full);

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec()).isEqualTo(full.getSpec());
    assertThat(cached.getStatus()).isEqualTo(full.getStatus());
    assertThat(cached.getStatus().children().getFirst().kind()).isSameAs("Service");
    assertThat(cached.getStatus().children().getFirst().namespace()).isSameAs("team");
  }

  /** What an informer with {@code CachedShapes.store(shape)} keeps of {@code full}. */
  private static <R extends HasMetadata> R throughStore(UnaryOperator<R> shape, R full) {
    ItemStore<R> store = CachedShapes.store(shape);
    R decoded = Serialization.clone(full);
    String key = store.getKey(decoded);
    store.put(key, decoded);
    return store.get(key);
  }

  @ParameterizedTest
  @MethodSource("pods")
  void aCachedPodAnswersAsTheFullPod(Pod full) {
    Pod cached = CachedShapes.pod(Serialization.clone(full));

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec().getContainers()).isEmpty();
    assertThat(ChildChanges.hasGate(cached)).isEqualTo(ChildChanges.hasGate(full));
    assertThat(ChildChanges.gateIsTrue(cached)).isEqualTo(ChildChanges.gateIsTrue(full));
    // Where the pod runs and which claims hold its GPUs: what its gate is judged by.
    assertThat(cached.getSpec().getNodeName()).isEqualTo(full.getSpec().getNodeName());
    assertThat(cached.getStatus().getResourceClaimStatuses())
        .isEqualTo(full.getStatus().getResourceClaimStatuses());
    assertThat(WorkloadReconciler.workloadOf(cached))
        .isEqualTo(WorkloadReconciler.workloadOf(full))
        .isNotEmpty();
    assertThat(WorkloadObservation.podBlocker(List.of(cached), p -> List.of(), NOW))
        .isEqualTo(WorkloadObservation.podBlocker(List.of(full), p -> List.of(), NOW));
    assertThat(observe(null, null, List.of(cached))).isEqualTo(observe(null, null, List.of(full)));
  }

  @ParameterizedTest
  @MethodSource("pods")
  void aCachedPodGivesTheSandboxPlanOfTheFullOne(Pod full) {
    Pod cached = CachedShapes.pod(Serialization.clone(full));
    Sandbox sandbox = SandboxFixtures.sandbox("web", "agent", null);
    sandbox.getMetadata().setNamespace("ns");
    sandbox.getMetadata().setCreationTimestamp(NOW.toString());
    SandboxTemplate template = SandboxFixtures.template("agent", "cpu-s", null);
    // The IP, where the router sends requests, is kept.
    assertThat(cached.getStatus().getPodIP()).isEqualTo("10.0.0.7");
    assertThat(SandboxPlan.of(sandbox, null, template, null, cached, List.of(), NOW))
        .isEqualTo(SandboxPlan.of(sandbox, null, template, null, full, List.of(), NOW));
    assertThat(ChildChanges.sandboxPod(cached, full)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("pods")
  void aCachedDeploymentGivesTheStatusOfTheFullOne(Pod pod) {
    Deployment full =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withGeneration(4L)
            .withManagedFields(MANAGED)
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("web:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withReplicas(3)
            .withUpdatedReplicas(3)
            .withReadyReplicas(2)
            .withObservedGeneration(4L)
            .addNewCondition()
            .withType(WorkloadObservation.DEPLOYMENT_REPLICA_FAILURE)
            .withStatus("True")
            .withMessage("pods \"web-1\" is forbidden: exceeded quota: gpu")
            .endCondition()
            .endStatus()
            .build();
    Deployment cached = CachedShapes.deployment(Serialization.clone(full));

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec().getTemplate()).isNull();
    assertThat(cached.getMetadata().getGeneration()).isEqualTo(4L);
    assertThat(observe(cached, null, List.of(pod))).isEqualTo(observe(full, null, List.of(pod)));
  }

  @ParameterizedTest
  @MethodSource("pods")
  void aCachedJobGivesTheStatusOfTheFullOne(Pod pod) {
    Job full =
        new JobBuilder()
            .withNewMetadata()
            .withName("train")
            .withGeneration(2L)
            .withManagedFields(MANAGED)
            .endMetadata()
            .withNewSpec()
            .withCompletions(4)
            .withParallelism(4)
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withSucceeded(1)
            .withFailed(2)
            .addNewCondition()
            .withType(WorkloadObservation.JOB_CONDITION_FAILED)
            .withStatus("True")
            .withReason("BackoffLimitExceeded")
            .withMessage("Job has reached the specified backoff limit")
            .endCondition()
            .endStatus()
            .build();
    Job cached = CachedShapes.job(Serialization.clone(full));

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec().getTemplate()).isNull();
    assertThat(cached.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(observe(null, cached, List.of(pod))).isEqualTo(observe(null, full, List.of(pod)));
  }

  private static Object observe(Deployment deployment, Job job, List<Pod> pods) {
    Workload workload = Workloads.service("web", "gpu-m", 3, 3);
    workload.getMetadata().setNamespace("ns");
    workload.getMetadata().setGeneration(1L);
    return WorkloadObservation.status(
        workload, "gpu-m", "staging", null, deployment, job, pods, p -> List.of(), NOW);
  }

  @Test
  void aCachedSandboxGivesThePoolsAndClaimsTheFactsOfTheFullOneAndKeepsItsAnnotations() {
    for (boolean ready : List.of(true, false)) {
      Sandbox full = WarmPoolFixtures.waiting("p-aaaaa", "p", ready, 0);
      full.getMetadata().setManagedFields(List.of(MANAGED));
      full.getMetadata().setAnnotations(Map.of(Sandboxes.TOKEN_SHA256, "ab12"));
      Sandbox cached =
          CachedShapes.sandboxFacts(
              Serialization.unmarshal(Serialization.asJson(full), Sandbox.class));
      assertThat(SandboxFacts.of(cached)).isEqualTo(SandboxFacts.of(full));
      assertThat(cached.getMetadata().getAnnotations())
          .isEqualTo(full.getMetadata().getAnnotations());
      assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
      assertThat(cached.getSpec()).isNull();
      assertThat(cached.getStatus().podIP()).isNull();
    }
  }

  private static ManagedFieldsEntry managedFields() {
    var fields = new FieldsV1();
    fields.setAdditionalProperty("f:spec", Map.of("f:containers", Map.of()));
    return new ManagedFieldsEntry(
        "v1",
        "FieldsV1",
        fields,
        "kube-controller-manager",
        "Update",
        null,
        "2026-11-28T04:00:00Z");
  }

  private static Pod pod(
      String phase, String conditionType, String conditionStatus, String reason, boolean gated) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-" + phase.toLowerCase() + "-" + conditionType.length())
            .withNamespace("ns")
            .addToLabels(Labels.WORKLOAD, "web")
            .addToAnnotations(Labels.WORKLOAD_ANNOTATION, "ns/web")
            .withManagedFields(MANAGED)
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-1")
            .addNewContainer()
            .withName("app")
            .withImage("web:1")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .withPodIP("10.0.0.7")
            .addNewCondition()
            .withType(conditionType)
            .withStatus(conditionStatus)
            .withReason(reason)
            .withMessage("0/4 nodes are available: 4 Insufficient nvidia.com/gpu.")
            .endCondition()
            .addNewContainerStatus()
            .withName("app")
            .withReady("Running".equals(phase))
            .endContainerStatus()
            .addNewResourceClaimStatus()
            .withName("gpu")
            .withResourceClaimName("web-0-gpu-x7k2p")
            .endResourceClaimStatus()
            .endStatus();
    if (gated) {
      builder.editSpec().addNewReadinessGate(ConditionTypes.GPU_HEALTHY_GATE).endSpec();
    }
    return builder.build();
  }
}

package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.Labels;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.localcluster.GpuFleet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the compiler makes for the examples, on the real API server: the CRDs install, every object
 * passes a server-side dry-run apply in a namespace that enforces the restricted Pod Security
 * Standard, CEL rules reject what they should, and GPU pods get their devices from the real
 * scheduler.
 */
@ExtendWith(LocalClusterExtension.class)
class CompiledExamplesIT {
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final Duration SCHEDULING = Duration.ofSeconds(120);
  private static final TierCatalog TIERS = TierCatalog.defaults();

  private KubernetesClient client;
  private String namespace;

  @BeforeEach
  void restrictedNamespaceWithCrds(KubernetesClient client, TestNamespace namespace)
      throws IOException {
    this.client = client;
    this.namespace = namespace.name();
    client
        .namespaces()
        .withName(this.namespace)
        .edit(
            ns -> {
              ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return ns;
            });
    try (Stream<Path> files = Files.list(REPOSITORY.resolve("deploy/crds"))) {
      for (Path file : files.sorted().toList()) {
        Crds.apply(client, file);
      }
    }
  }

  @Test
  void everyObjectOfEveryExamplePassesTheServerInARestrictedNamespace() throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (Workload workload : examples()) {
      objects.addAll(compile(workload));
    }
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains(
            "Deployment",
            "Job",
            "ResourceClaimTemplate",
            "NetworkPolicy",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget");
    for (HasMetadata object : objects) {
      HasMetadata accepted =
          client
              .resource(object)
              .inNamespace(namespace)
              .dryRun()
              .fieldManager("bosun")
              .forceConflicts()
              .serverSideApply();
      assertThat(accepted.getMetadata().getName()).isEqualTo(object.getMetadata().getName());
    }
  }

  @Test
  void theServerRejectsAWorkloadThatBreaksACelRuleWithTheRulesMessage() {
    Workload training = new Workload();
    training.setMetadata(
        new ObjectMetaBuilder().withName("bad-training").withNamespace(namespace).build());
    training.setSpec(
        new WorkloadSpecBuilder()
            .withType(WorkloadType.Training)
            .withImage("registry.example.com/t:1")
            .withSize("gpu-m")
            .withPort(8000)
            .build());
    KubernetesClientException rejected =
        catchThrowableOfType(
            KubernetesClientException.class, () -> client.resource(training).create());
    assertThat(rejected.getCode()).isEqualTo(422);
    assertThat(rejected.getMessage())
        .contains("spec.port")
        .contains("port applies to Service and Inference only");
  }

  @Test
  void theGpuMExampleGetsAWholeGpuOfItsNodeFromTheRealScheduler() throws IOException {
    apply(example("chat.yaml"));
    Pod pod = awaitRunningPod("chat");
    List<DeviceRequestAllocationResult> devices = allocatedDevices(pod);
    assertThat(devices)
        .singleElement()
        .satisfies(
            device -> {
              assertThat(device.getDriver()).isEqualTo("gpu.nvidia.com");
              assertThat(device.getPool()).isEqualTo(pod.getSpec().getNodeName());
            });
    // Running, but not Ready until the GPU health gate says the GPU is good.
    assertThat(pod.getSpec().getReadinessGates())
        .extracting(g -> g.getConditionType())
        .containsExactly(ConditionTypes.GPU_HEALTHY_GATE);
  }

  @Test
  void theCpuMExampleRunsOnANodeWithoutGpusAndTheGpuMExampleOnAGpuNode() throws IOException {
    apply(example("web-api.yaml"));
    apply(example("chat.yaml"));

    Node cpuNode = nodeOf(awaitRunningPod("web-api"));
    Node gpuNode = nodeOf(awaitRunningPod("chat"));

    assertThat(cpuNode.getMetadata().getLabels()).doesNotContainKey("nvidia.com/gpu.present");
    assertThat(cpuNode.getSpec().getTaints()).isNullOrEmpty();
    assertThat(gpuNode.getMetadata().getLabels()).containsEntry("nvidia.com/gpu.present", "true");
    assertThat(gpuNode.getSpec().getTaints())
        .extracting(Taint::getKey)
        .contains(GpuFleet.TAINT_KEY);
  }

  @Test
  void theGpuSExampleGetsAMigSliceOfTheRightProfile() throws IOException {
    apply(example("embeddings.yaml"));
    Pod pod = awaitRunningPod("embeddings");
    assertThat(allocatedDevices(pod))
        .singleElement()
        .satisfies(
            device -> {
              assertThat(device.getPool()).isEqualTo(pod.getSpec().getNodeName());
              assertThat(device.getDevice()).contains("-mig-1g10gb-");
            });
  }

  @Test
  void theGpuXlTrainingJobGetsEightGpusOfOneNodePerPod() throws IOException {
    // Record allocations as they happen: a claim goes with its pod once the pod has finished.
    Map<String, List<DeviceRequestAllocationResult>> allocations = new ConcurrentHashMap<>();
    Watcher<ResourceClaim> recorder =
        new Watcher<>() {
          @Override
          public void eventReceived(Action action, ResourceClaim claim) {
            if (claim.getStatus() != null && claim.getStatus().getAllocation() != null) {
              allocations.put(
                  claim.getMetadata().getName(),
                  claim.getStatus().getAllocation().getDevices().getResults());
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        };
    try (Watch watch =
        client.resources(ResourceClaim.class).inNamespace(namespace).watch(recorder)) {
      apply(example("finetune.yaml"));
      await("both finetune pods got their claims allocated")
          .atMost(SCHEDULING)
          .until(() -> allocations.size() == 2);
    }
    assertThat(allocations.values())
        .allSatisfy(
            devices -> {
              assertThat(devices).hasSize(8);
              assertThat(devices)
                  .extracting(DeviceRequestAllocationResult::getPool)
                  .containsOnly(devices.getFirst().getPool());
            });
  }

  private void apply(Workload workload) {
    for (HasMetadata object : compile(workload)) {
      client
          .resource(object)
          .inNamespace(namespace)
          .fieldManager("bosun")
          .forceConflicts()
          .serverSideApply();
    }
  }

  private Node nodeOf(Pod pod) {
    return client.nodes().withName(pod.getSpec().getNodeName()).get();
  }

  private List<HasMetadata> compile(Workload workload) {
    workload.getMetadata().setNamespace(namespace);
    return Compiler.compile(workload, TIERS.find(workload.getSpec().size()).orElseThrow(), null);
  }

  private static List<Workload> examples() throws IOException {
    List<Workload> workloads = new ArrayList<>();
    try (Stream<Path> files = Files.list(REPOSITORY.resolve("examples"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        workloads.addAll(
            ManifestReader.read(file.toString(), Files.readString(file)).objectsOf(Workload.class));
      }
    }
    return workloads;
  }

  private static Workload example(String file) throws IOException {
    Path path = REPOSITORY.resolve("examples").resolve(file);
    return ManifestReader.read(file, Files.readString(path)).objectsOf(Workload.class).getFirst();
  }

  private Pod awaitRunningPod(String workload) {
    return await(workload + " has a Running pod")
        .atMost(SCHEDULING)
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(namespace)
                    .withLabel(Labels.WORKLOAD, workload)
                    .list()
                    .getItems()
                    .stream()
                    .filter(pod -> "Running".equals(pod.getStatus().getPhase()))
                    .findFirst()
                    .orElse(null),
            pod -> pod != null);
  }

  private List<DeviceRequestAllocationResult> allocatedDevices(Pod pod) {
    String claimName = pod.getStatus().getResourceClaimStatuses().getFirst().getResourceClaimName();
    ResourceClaim claim =
        client.resources(ResourceClaim.class).inNamespace(namespace).withName(claimName).get();
    return claim.getStatus().getAllocation().getDevices().getResults();
  }
}

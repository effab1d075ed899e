package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * KWOK plays the kubelet with the local cluster's own stages: readiness gates decide Ready as on a
 * real kubelet, and the real endpoint-slice controller follows; Job pods run until told to exit.
 */
@ExtendWith(LocalClusterExtension.class)
class SimulatedKubeletIT {

  private static final String GATE = "bosun.dev/gpu-healthy";
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  @Test
  void aGatedPodIsServedOnlyWhileItsGateIsTrue(KubernetesClient client) {
    served(client, "gated", List.of(GATE));
    Pod pod = awaitRunningPod(client, "app", "gated");

    // Running, containers ready, but not Ready: nobody has set the gate.
    assertThat(condition(pod, "ContainersReady")).isEqualTo("True");
    assertThat(condition(pod, "Ready")).isEqualTo("False");
    assertThat(condition(pod, GATE)).isNull();
    awaitEndpointReady(client, "gated", false);

    setGate(client, pod, "True");
    awaitEndpointReady(client, "gated", true);
    assertThat(condition(client.resource(pod).get(), GATE)).isEqualTo("True");

    setGate(client, pod, "False");
    awaitEndpointReady(client, "gated", false);
    assertThat(condition(client.resource(pod).get(), "Ready")).isEqualTo("False");

    setGate(client, pod, "True");
    awaitEndpointReady(client, "gated", true);
  }

  @Test
  void aPodWithoutGatesIsReadyAndServedAtOnce(KubernetesClient client) {
    served(client, "plain", List.of());

    awaitEndpointReady(client, "plain", true);
    assertThat(condition(awaitRunningPod(client, "app", "plain"), "Ready")).isEqualTo("True");
  }

  @Test
  void aJobPodRunsUntilItIsToldToExit(KubernetesClient client) {
    client.resource(job("train")).create();
    Pod pod = awaitRunningPod(client, "job-name", "train");

    await("the pod keeps running, unannotated")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> "Running".equals(client.resource(pod).get().getStatus().getPhase()));

    SimulatedJobs.exit(client, pod, 0);
    await("the Job completes")
        .atMost(CONVERGE)
        .until(() -> jobCondition(client.resources(Job.class).withName("train").get(), "Complete"));
    assertThat(client.resource(pod).get().getStatus().getPhase()).isEqualTo("Succeeded");
  }

  @Test
  void aNonZeroExitCodeFailsThePod(KubernetesClient client) {
    client.resource(job("crash")).create();
    Pod pod = awaitRunningPod(client, "job-name", "crash");

    SimulatedJobs.exit(client, pod, 3);
    await("the Job fails")
        .atMost(CONVERGE)
        .until(() -> jobCondition(client.resources(Job.class).withName("crash").get(), "Failed"));
    var terminated =
        client
            .resource(pod)
            .get()
            .getStatus()
            .getContainerStatuses()
            .getFirst()
            .getState()
            .getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(3);
    assertThat(client.resource(pod).get().getStatus().getPhase()).isEqualTo("Failed");
  }

  @Test
  void aDisruptedJobPodEndsFailedAndIsReplacedWithoutSpendingTheJobsRetries(
      KubernetesClient client) {
    Job job = job("disrupted");
    // As the compiler's Jobs do: a pod that was disrupted did nothing wrong.
    job.getSpec()
        .setPodFailurePolicy(
            new PodFailurePolicyBuilder()
                .addNewRule()
                .withAction("Ignore")
                .addNewOnPodCondition()
                .withType("DisruptionTarget")
                .withStatus("True")
                .endOnPodCondition()
                .endRule()
                .build());
    client.resource(job).create();
    Pod first = awaitRunningPod(client, "job-name", "disrupted");

    // What an eviction does: the condition, then the deletion. The kubelet's part ends the pod
    // as Failed, so that the Job, which replaces only terminal pods, can replace it. (Without a
    // transition time the disruption controller finds the condition stale and sets it False.)
    client
        .pods()
        .withName(first.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.STRATEGIC_MERGE),
            """
            {"status":{"conditions":[{"type":"DisruptionTarget","status":"True","reason":"EvictionByTest",
              "lastTransitionTime":"%s"}]}}"""
                .formatted(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    client.resource(first).delete();

    Pod second =
        await("a replacement pod")
            .atMost(CONVERGE)
            .until(
                () ->
                    client.pods().withLabel("job-name", "disrupted").list().getItems().stream()
                        .filter(pod -> "Running".equals(pod.getStatus().getPhase()))
                        .filter(
                            pod -> !pod.getMetadata().getUid().equals(first.getMetadata().getUid()))
                        .findFirst()
                        .orElse(null),
                pod -> pod != null);
    await("the disrupted pod gone")
        .atMost(CONVERGE)
        .until(() -> client.resource(first).get() == null);
    var status = client.resources(Job.class).withName("disrupted").get().getStatus();
    assertThat(status.getFailed()).isNull();

    SimulatedJobs.exit(client, second, 0);
    await("the Job completes")
        .atMost(CONVERGE)
        .until(
            () ->
                jobCondition(client.resources(Job.class).withName("disrupted").get(), "Complete"));
  }

  /** A one-replica Deployment with the given readiness gates, behind a Service of its name. */
  private static void served(KubernetesClient client, String name, List<String> gates) {
    PodSpec spec = podSpec();
    gates.forEach(gate -> spec.getReadinessGates().add(new PodReadinessGate(gate)));
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(Map.of("app", name))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app", name))
                .endMetadata()
                .withSpec(spec)
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", name))
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  private static Job job(String name) {
    PodSpec spec = podSpec();
    spec.setRestartPolicy("Never");
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withSpec(spec)
        .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec() {
    return new PodSpecBuilder()
        .addNewContainer()
        .withName("main")
        .withImage("registry.example.com/acme/app:1.0")
        .endContainer()
        .build();
  }

  private static void setGate(KubernetesClient client, Pod pod, String status) {
    client
        .pods()
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.STRATEGIC_MERGE),
            """
            {"status":{"conditions":[{"type":"%s","status":"%s"}]}}"""
                .formatted(GATE, status));
  }

  private static Pod awaitRunningPod(KubernetesClient client, String label, String value) {
    return await(value + " has a Running pod")
        .atMost(CONVERGE)
        .until(
            () ->
                client.pods().withLabel(label, value).list().getItems().stream()
                    .filter(pod -> "Running".equals(pod.getStatus().getPhase()))
                    .findFirst()
                    .orElse(null),
            pod -> pod != null);
  }

  private static void awaitEndpointReady(KubernetesClient client, String service, boolean ready) {
    await(service + "'s endpoint ready=" + ready)
        .atMost(CONVERGE)
        .until(
            () ->
                client
                    .resources(EndpointSlice.class)
                    .withLabel("kubernetes.io/service-name", service)
                    .list()
                    .getItems()
                    .stream()
                    .flatMap(slice -> Stream.ofNullable(slice.getEndpoints()).flatMap(List::stream))
                    .map(Endpoint::getConditions)
                    .toList(),
            conditions ->
                conditions.size() == 1
                    && Boolean.valueOf(ready).equals(conditions.getFirst().getReady()));
  }

  private static String condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private static boolean jobCondition(Job job, String type) {
    return job.getStatus() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}

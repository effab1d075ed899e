package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Workload;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadEndpointsTest {
  private static Pod pod(String name, String ip, String ready, boolean deleting) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("ns")
            .withDeletionTimestamp(deleting ? "2026-12-01T10:00:00Z" : null)
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-" + name)
            .endSpec()
            .withNewStatus()
            .withPodIP(ip)
            .endStatus();
    if (ready != null) {
      pod.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus(ready)
          .endCondition()
          .endStatus();
    }
    return pod.build();
  }

  private static Workload workload(String type, Integer port) {
    return Serialization.unmarshal(
        "{\"apiVersion\":\"bosun.dev/v1alpha1\",\"kind\":\"Workload\","
            + "\"metadata\":{\"name\":\"llm\",\"namespace\":\"ns\"},"
            + "\"spec\":{\"type\":\""
            + type
            + "\",\"image\":\"x\",\"size\":\"gpu-m\""
            + (port == null ? "" : ",\"port\":" + port)
            + "}}",
        Workload.class);
  }

  @Test
  void readyPodsAreThoseReadyWithAnIpAndNotDeleting() {
    List<Pod> pods =
        List.of(
            pod("b", "10.0.0.2", "True", false),
            pod("a", "10.0.0.1", "True", false),
            pod("c", "10.0.0.3", "False", false),
            pod("d", null, "True", false),
            pod("e", "10.0.0.5", "True", true),
            pod("f", "10.0.0.6", null, false));
    assertThat(WorkloadEndpoints.ready(workload("Inference", 8000), pods))
        .containsExactly(new PodAddress("10.0.0.1", 8000), new PodAddress("10.0.0.2", 8000));
  }

  @Test
  void readyPodsCarryTheirNamesAndNodes() {
    List<Pod> pods =
        List.of(
            pod("b", "10.0.0.2", "True", false),
            pod("a", "10.0.0.1", "True", false),
            pod("c", "10.0.0.3", "False", false));
    assertThat(WorkloadEndpoints.readyPods(workload("Inference", 8000), pods))
        .containsExactly(
            new ReadyPod(new PodKey("ns", "a"), "node-a", new PodAddress("10.0.0.1", 8000)),
            new ReadyPod(new PodKey("ns", "b"), "node-b", new PodAddress("10.0.0.2", 8000)));
  }

  @Test
  void onlyServingWorkloadsWithAPortServe() {
    List<Pod> pods = List.of(pod("a", "10.0.0.1", "True", false));
    assertThat(WorkloadEndpoints.ready(workload("Batch", null), pods)).isEmpty();
    assertThat(WorkloadEndpoints.ready(null, pods)).isEmpty();
    assertThat(WorkloadEndpoints.serving(workload("Service", 80))).isTrue();
  }
}

package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Scaling;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelServerPlanTest {

  @Test
  void aRunningInferencePodIsAReplicaOnItsFirstPortServingTheWorkloadsModel() {
    assertThat(ModelServerPlan.of(pod(b -> b))).contains(TestReplicas.chat(StandInBehaviour.GOOD));
  }

  @Test
  void theCpuRequestAddsUpEveryContainersAndTheUsageSplitsItEvenly() {
    var replica =
        ModelServerPlan.of(
                pod(
                    b ->
                        b.editSpec()
                            .addNewContainer()
                            .withName("sidecar")
                            .withNewResources()
                            .addToRequests("cpu", new Quantity("500m"))
                            .endResources()
                            .endContainer()
                            .endSpec()))
            .orElseThrow();
    assertThat(replica.cpuRequestMillis()).isEqualTo(4500);
    // Three quarters of 4.5 cores over two containers: utilisation 75 % of the pod's request.
    assertThat(replica.cpuUsage(0.75)).isEqualTo("1688m");
    assertThat(replica.cpuUsage(0)).isEqualTo("0m");
  }

  @Test
  void aPodWithoutCpuRequestsUsesNone() {
    var replica =
        ModelServerPlan.of(
                pod(
                    b ->
                        b.editSpec()
                            .editFirstContainer()
                            .withResources(null)
                            .endContainer()
                            .endSpec()))
            .orElseThrow();
    assertThat(replica.cpuRequestMillis()).isZero();
    assertThat(replica.cpuUsage(1.0)).isEqualTo("0m");
  }

  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("running", edit(b -> b), true),
        Arguments.of(
            "no workload label",
            edit(b -> b.editMetadata().removeFromLabels(Scaling.WORKLOAD_LABEL).endMetadata()),
            false),
        Arguments.of(
            "a Service workload",
            edit(
                b ->
                    b.editMetadata().addToLabels(Scaling.COMPONENT_LABEL, "service").endMetadata()),
            false),
        // Which phases run is StandInPlan.runningEndpoint's, tested with the sandbox stand-ins.
        Arguments.of("pending", edit(b -> b.editStatus().withPhase("Pending").endStatus()), false));
  }

  @ParameterizedTest(name = "{0}: served {2}")
  @MethodSource("pods")
  void whichPodsAreServed(String name, UnaryOperator<PodBuilder> change, boolean served) {
    assertThat(ModelServerPlan.of(pod(change)).isPresent()).isEqualTo(served);
  }

  @Test
  void theSelectorAsksForWhatThePlanNeeds() {
    var selector = ModelServerPlan.selector();
    assertThat(selector.getMatchLabels()).containsEntry(Scaling.COMPONENT_LABEL, "inference");
    assertThat(selector.getMatchExpressions())
        .singleElement()
        .satisfies(e -> assertThat(e.getKey()).isEqualTo(Scaling.WORKLOAD_LABEL));
  }

  private static UnaryOperator<PodBuilder> edit(UnaryOperator<PodBuilder> change) {
    return change;
  }

  private static Pod pod(UnaryOperator<PodBuilder> change) {
    return change
        .apply(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace("team")
                .withName("chat-7d9-x2")
                .withUid("uid-1")
                .addToLabels(Scaling.WORKLOAD_LABEL, "chat")
                .addToLabels(Scaling.COMPONENT_LABEL, "inference")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .addNewPort()
                .withName("http")
                .withContainerPort(8000)
                .endPort()
                .withNewResources()
                .addToRequests("cpu", new Quantity("4"))
                .endResources()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.0.0.9")
                .endStatus())
        .build();
  }
}

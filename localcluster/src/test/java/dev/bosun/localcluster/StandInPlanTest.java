package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StandInPlanTest {

  @Test
  void aRunningSandboxPodIsServedOnItsFirstPortWithItsMemoryClaim() {
    assertThat(StandInPlan.of(pod(b -> b)))
        .contains(
            new StandInPlan.StandIn(
                "uid-1",
                "team",
                "agent",
                "agent",
                new PodNetwork.Endpoint("10.0.0.9", 9000),
                Optional.of("agent-memory")));
  }

  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("running", edit(b -> b), true),
        Arguments.of(
            "no sandbox label",
            edit(b -> b.editMetadata().removeFromLabels(Sandboxes.SANDBOX_LABEL).endMetadata()),
            false),
        Arguments.of("pending", edit(b -> b.editStatus().withPhase("Pending").endStatus()), false),
        Arguments.of("failed", edit(b -> b.editStatus().withPhase("Failed").endStatus()), false),
        Arguments.of("no IP yet", edit(b -> b.editStatus().withPodIP(null).endStatus()), false),
        Arguments.of(
            "being deleted",
            edit(b -> b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata()),
            false));
  }

  @ParameterizedTest(name = "{0}: served {2}")
  @MethodSource("pods")
  void whichPodsAreServed(String name, UnaryOperator<PodBuilder> change, boolean served) {
    assertThat(StandInPlan.of(pod(change)).isPresent()).isEqualTo(served);
  }

  @Test
  void withoutAPortTheDefaultOneWithoutAMemoryMountNoClaim() {
    var standIn =
        StandInPlan.of(
                pod(
                    b ->
                        b.editSpec()
                            .editFirstContainer()
                            .withPorts()
                            .withVolumeMounts()
                            .endContainer()
                            .endSpec()))
            .orElseThrow();
    assertThat(standIn.endpoint().port()).isEqualTo(Sandboxes.DEFAULT_PORT);
    assertThat(standIn.memoryClaim()).isEmpty();
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
                .withName("agent")
                .withUid("uid-1")
                .addToLabels(Sandboxes.SANDBOX_LABEL, "agent")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("agent")
                .addNewPort()
                .withName("http")
                .withContainerPort(9000)
                .endPort()
                .addNewVolumeMount()
                .withName("work")
                .withMountPath(Sandboxes.WORK_PATH)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("memory")
                .withMountPath(Sandboxes.MEMORY_PATH)
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("work")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addNewVolume()
                .withName("memory")
                .withNewPersistentVolumeClaim()
                .withClaimName("agent-memory")
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.0.0.9")
                .endStatus())
        .build();
  }
}

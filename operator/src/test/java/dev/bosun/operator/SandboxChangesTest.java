package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.testing.SandboxFixtures;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which changes of a Sandbox and of its pod wake the Sandbox's reconciler. */
class SandboxChangesTest {

  private static Sandbox sandbox() {
    Sandbox sandbox = SandboxFixtures.sandbox("alice", "agent", null);
    sandbox.getMetadata().setGeneration(1L);
    sandbox.getMetadata().setResourceVersion("10");
    return sandbox;
  }

  static Stream<Arguments> sandboxChanges() {
    return Stream.of(
        Arguments.of(
            "a new generation (spec)", change(s -> s.getMetadata().setGeneration(2L)), true),
        Arguments.of(
            "taken from its pool (a label)",
            change(s -> s.getMetadata().getLabels().put(Sandboxes.CLAIM_LABEL, "c")),
            true),
        Arguments.of(
            "claimed at (an annotation)",
            change(
                s ->
                    s.getMetadata()
                        .getAnnotations()
                        .put(Sandboxes.CLAIMED_AT, "2026-12-01T10:00:00Z")),
            true),
        Arguments.of(
            "the router's activity",
            change(
                s ->
                    s.getMetadata()
                        .getAnnotations()
                        .put(Sandboxes.LAST_ACTIVITY, "2026-12-01T10:00:00Z")),
            false),
        Arguments.of(
            "its own status write", change(s -> s.getMetadata().setResourceVersion("11")), false),
        Arguments.of(
            "being deleted",
            change(s -> s.getMetadata().setDeletionTimestamp("2026-12-01T10:00:00Z")),
            true));
  }

  private static Sandbox change(Consumer<Sandbox> edit) {
    Sandbox changed = Serialization.clone(sandbox());
    edit.accept(changed);
    return changed;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sandboxChanges")
  void sandbox(String change, Sandbox after, boolean reconcile) {
    assertThat(ChildChanges.sandbox(after, sandbox())).isEqualTo(reconcile);
  }

  private static PodBuilder pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("alice")
        .withResourceVersion("1")
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus();
  }

  static Stream<Arguments> podChanges() {
    return Stream.of(
        Arguments.of("scheduled", pod().editSpec().withNodeName("n").endSpec().build(), true),
        Arguments.of("an IP", pod().editStatus().withPodIP("10.0.0.1").endStatus().build(), true),
        Arguments.of(
            "ready",
            pod()
                .editStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build(),
            true),
        Arguments.of("failed", pod().editStatus().withPhase("Failed").endStatus().build(), true),
        Arguments.of(
            "a kubelet heartbeat of the same state",
            pod().editMetadata().withResourceVersion("2").endMetadata().build(),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podChanges")
  void pod(String change, Pod after, boolean reconcile) {
    assertThat(ChildChanges.sandboxPod(after, pod().build())).isEqualTo(reconcile);
  }
}

package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.QuarantineEffect;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A quarantine to its rule or node patch and back; the names of rules and Events. */
class QuarantineObjectsTest {
  private static final Instant AT = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void aRuleReadsBackAsTheQuarantineItWasMadeOf() {
    var quarantine = new Quarantine("node-7", "gpu-3", "gpu", QuarantineEffect.NoExecute, AT);

    var rule = QuarantineObjects.rule(quarantine);

    assertThat(rule.getMetadata().getName()).isEqualTo("bosun-gpu-node-7-gpu-3");
    assertThat(rule.getMetadata().getLabels())
        .containsEntry(GpuQuarantine.MANAGED_BY, GpuQuarantine.MANAGER)
        .containsEntry(GpuQuarantine.NODE_LABEL, "node-7");
    assertThat(rule.getAdditionalProperties().get("spec"))
        .isEqualTo(
            Map.of(
                "deviceSelector",
                Map.of("driver", "gpu.nvidia.com", "pool", "node-7", "device", "gpu-3"),
                "taint",
                Map.of("key", GpuQuarantine.TAINT_KEY, "value", "gpu", "effect", "NoExecute")));
    assertThat(QuarantineObjects.fromRule(rule)).contains(quarantine);
  }

  @Test
  void aRuleSomeoneElseMadeIsNoQuarantineOfBosuns() {
    var rule =
        QuarantineObjects.rule(
            new Quarantine("n", "gpu-0", "gpu", QuarantineEffect.NoSchedule, AT));
    rule.getMetadata().setLabels(Map.of(GpuQuarantine.MANAGED_BY, "someone"));

    assertThat(QuarantineObjects.fromRule(rule)).isEmpty();
  }

  @Test
  void aLongNameIsCutAndHashedWithinTheLimit() {
    String node = "n".repeat(250);

    String name = GpuQuarantine.ruleName(node, "gpu-1");

    assertThat(name).hasSize(253).startsWith("bosun-gpu-nnn");
    assertThat(GpuQuarantine.ruleName(node, "gpu-2")).isNotEqualTo(name);
  }

  @Test
  void theNodePatchAddsBosunsTaintAndKeepsTheOthers() {
    Node node = node(Map.of("nvidia.com/gpu", "present"));

    var patch =
        QuarantineObjects.nodePatch(
            node, new Quarantine("node-7", null, "node", QuarantineEffect.NoSchedule, AT));

    assertThat(patch.getFirst())
        .isEqualTo(Map.of("op", "test", "path", "/metadata/resourceVersion", "value", "41"));
    assertThat(patch.get(1).get("value"))
        .isEqualTo(
            List.of(
                Map.of("key", "nvidia.com/gpu", "value", "present", "effect", "NoSchedule"),
                Map.of("key", GpuQuarantine.TAINT_KEY, "value", "node", "effect", "NoSchedule")));
    assertThat(patch)
        .contains(
            Map.of(
                "op",
                "add",
                "path",
                "/metadata/labels/bosun.dev~1gpu-quarantined",
                "value",
                "true"),
            Map.of(
                "op",
                "add",
                "path",
                "/metadata/annotations",
                "value",
                Map.of(GpuQuarantine.QUARANTINED_AT, AT.toString())));
  }

  @Test
  void aQuarantinedNodeReadsBackAndItsReleaseRemovesOnlyBosunsMarks() {
    Node node = node(Map.of("nvidia.com/gpu", "present", GpuQuarantine.TAINT_KEY, "node"));
    node.getMetadata().setLabels(Map.of(GpuQuarantine.QUARANTINED_LABEL, "true", "zone", "a"));
    node.getMetadata().setAnnotations(Map.of(GpuQuarantine.QUARANTINED_AT, AT.toString()));

    assertThat(QuarantineObjects.fromNode(node))
        .contains(new Quarantine("node-7", null, "node", QuarantineEffect.NoSchedule, AT));
    var patch = QuarantineObjects.nodePatch(node, null);

    assertThat(patch.get(1).get("value"))
        .isEqualTo(
            List.of(Map.of("key", "nvidia.com/gpu", "value", "present", "effect", "NoSchedule")));
    assertThat(patch)
        .contains(
            Map.of("op", "remove", "path", "/metadata/labels/bosun.dev~1gpu-quarantined"),
            Map.of("op", "remove", "path", "/metadata/annotations/bosun.dev~1quarantined-at"));
  }

  @Test
  void anEventIsNamedByItsActionAlone() {
    var action =
        new QuarantinePlan.Action(
            QuarantinePlan.Kind.REFUSE, "node-7", "gpu-3", "gpu", AT, "refused");
    var same =
        new QuarantinePlan.Action(
            QuarantinePlan.Kind.REFUSE, "node-7", "gpu-3", "gpu", AT, "refused, said otherwise");
    var later =
        new QuarantinePlan.Action(
            QuarantinePlan.Kind.REFUSE, "node-7", "gpu-3", "gpu", AT.plusSeconds(1), "refused");

    assertThat(QuarantineObjects.eventName(action))
        .startsWith("node-7.bosun-")
        .isEqualTo(QuarantineObjects.eventName(same))
        .isNotEqualTo(QuarantineObjects.eventName(later));
  }

  private static Node node(Map<String, String> taints) {
    var builder =
        new NodeBuilder()
            .withNewMetadata()
            .withName("node-7")
            .withResourceVersion("41")
            .withLabels(Map.of("zone", "a"))
            .endMetadata()
            .withNewSpec()
            .endSpec();
    taints.forEach(
        (key, value) ->
            builder
                .editSpec()
                .addNewTaint()
                .withKey(key)
                .withValue(value)
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec());
    return builder.build();
  }
}

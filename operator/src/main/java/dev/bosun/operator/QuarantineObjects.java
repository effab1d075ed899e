package dev.bosun.operator;

import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.QuarantineEffect;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Quarantine} looks in the API server, both ways: a GPU's DeviceTaintRule, a node's
 * taint with the label and annotation that let the operator watch and date it, and the name of the
 * Event of an action. Pure.
 */
final class QuarantineObjects {
  private QuarantineObjects() {}

  /** The DeviceTaintRule that keeps the scheduler (and, NoExecute, running pods) off one GPU. */
  static GenericKubernetesResource rule(Quarantine quarantine) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(GpuQuarantine.RULE_API_VERSION)
        .withKind(GpuQuarantine.RULE_KIND)
        .withNewMetadata()
        .withName(GpuQuarantine.ruleName(quarantine.node(), quarantine.device()))
        .addToLabels(GpuQuarantine.MANAGED_BY, GpuQuarantine.MANAGER)
        .addToLabels(GpuQuarantine.NODE_LABEL, quarantine.node())
        .addToAnnotations(GpuQuarantine.QUARANTINED_AT, quarantine.since().toString())
        .endMetadata()
        .addToAdditionalProperties(
            "spec",
            Map.of(
                "deviceSelector",
                Map.of(
                    "driver", GpuQuarantine.DRIVER,
                    "pool", quarantine.node(),
                    "device", quarantine.device()),
                "taint",
                Map.of(
                    "key", GpuQuarantine.TAINT_KEY,
                    "value", quarantine.faultClass(),
                    "effect", quarantine.effect().name())))
        .build();
  }

  /** The quarantine a rule of Bosun's stands for; empty for a rule it did not make. */
  @SuppressWarnings("unchecked")
  static Optional<Quarantine> fromRule(GenericKubernetesResource rule) {
    Map<String, String> labels =
        Objects.requireNonNullElse(rule.getMetadata().getLabels(), Map.of());
    if (!GpuQuarantine.MANAGER.equals(labels.get(GpuQuarantine.MANAGED_BY))
        || !(rule.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
        || !(spec.get("deviceSelector") instanceof Map<?, ?> selector)
        || !(spec.get("taint") instanceof Map<?, ?> taint)) {
      return Optional.empty();
    }
    return Optional.of(
        new Quarantine(
            (String) selector.get("pool"),
            (String) selector.get("device"),
            (String) taint.get("value"),
            effect((String) taint.get("effect")),
            since(rule.getMetadata().getAnnotations())));
  }

  /** The quarantine of a node that carries Bosun's taint; empty for one that does not. */
  static Optional<Quarantine> fromNode(Node node) {
    return taintOf(node)
        .map(
            taint ->
                new Quarantine(
                    node.getMetadata().getName(),
                    null,
                    taint.getValue(),
                    effect(taint.getEffect()),
                    since(node.getMetadata().getAnnotations())));
  }

  private static Optional<Taint> taintOf(Node node) {
    return taints(node).stream()
        .filter(t -> GpuQuarantine.TAINT_KEY.equals(t.getKey()))
        .findFirst();
  }

  private static List<Taint> taints(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null
        ? List.of()
        : node.getSpec().getTaints();
  }

  private static QuarantineEffect effect(String name) {
    return Arrays.stream(QuarantineEffect.values())
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  private static Instant since(Map<String, String> annotations) {
    return annotations == null
        ? null
        : QuarantinePlan.instant(annotations.get(GpuQuarantine.QUARANTINED_AT)).orElse(null);
  }

  /**
   * A JSON patch (RFC 6902) that quarantines the node ({@code quarantine} given) or releases it
   * (null), keeping every other taint. It first tests the resourceVersion it was computed from, so
   * that a taint another controller set meanwhile is never overwritten: the patch then fails and
   * the reconciliation is retried on the fresh node.
   */
  static List<Map<String, Object>> nodePatch(Node node, Quarantine quarantine) {
    var ops = new ArrayList<Map<String, Object>>();
    ops.add(op("test", "/metadata/resourceVersion", node.getMetadata().getResourceVersion()));
    var taints = new ArrayList<Map<String, Object>>();
    for (Taint taint : taints(node)) {
      if (!GpuQuarantine.TAINT_KEY.equals(taint.getKey())) {
        taints.add(
            taintMap(taint.getKey(), taint.getValue(), taint.getEffect(), taint.getTimeAdded()));
      }
    }
    if (quarantine != null) {
      taints.add(
          taintMap(
              GpuQuarantine.TAINT_KEY,
              quarantine.faultClass(),
              quarantine.effect().name(),
              // The taint manager dates a NoExecute taint itself when it is absent.
              null));
    }
    ops.add(op("add", "/spec/taints", taints));
    Map<String, String> labels = node.getMetadata().getLabels();
    Map<String, String> annotations = node.getMetadata().getAnnotations();
    if (quarantine != null) {
      ops.add(mapEntry(labels, "labels", GpuQuarantine.QUARANTINED_LABEL, "true"));
      ops.add(
          mapEntry(
              annotations,
              "annotations",
              GpuQuarantine.QUARANTINED_AT,
              quarantine.since().toString()));
    } else {
      if (labels != null && labels.containsKey(GpuQuarantine.QUARANTINED_LABEL)) {
        ops.add(op("remove", "/metadata/labels/" + escape(GpuQuarantine.QUARANTINED_LABEL), null));
      }
      if (annotations != null && annotations.containsKey(GpuQuarantine.QUARANTINED_AT)) {
        ops.add(
            op("remove", "/metadata/annotations/" + escape(GpuQuarantine.QUARANTINED_AT), null));
      }
    }
    return ops;
  }

  private static Map<String, Object> mapEntry(
      Map<String, String> existing, String field, String key, String value) {
    // An empty map may be absent on the server, where adding a key to it would fail.
    return existing == null || existing.isEmpty()
        ? op("add", "/metadata/" + field, Map.of(key, value))
        : op("add", "/metadata/" + field + "/" + escape(key), value);
  }

  private static Map<String, Object> taintMap(
      String key, String value, String effect, String timeAdded) {
    var taint = new LinkedHashMap<String, Object>();
    taint.put("key", key);
    if (value != null) {
      taint.put("value", value);
    }
    taint.put("effect", effect);
    if (timeAdded != null) {
      taint.put("timeAdded", timeAdded);
    }
    return taint;
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    var operation = new LinkedHashMap<String, Object>();
    operation.put("op", op);
    operation.put("path", path);
    if (value != null) {
      operation.put("value", value);
    }
    return operation;
  }

  /** A JSON pointer's escaping of a map key: {@code ~} and {@code /}. */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /**
   * The name of the Event that reports an action: the same action (same kind, node, device and
   * anchor) always gets the same name, so the Event is created once however often it is planned, by
   * however many operator starts.
   */
  static String eventName(QuarantinePlan.Action action) {
    String identity =
        String.join(
            "|",
            action.kind().name(),
            action.node(),
            Objects.requireNonNullElse(action.device(), ""),
            action.anchor().toString());
    long hash = 1125899906842597L;
    for (char c : identity.toCharArray()) {
      hash = 31 * hash + c;
    }
    String node = action.node().length() > 200 ? action.node().substring(0, 200) : action.node();
    return node + ".bosun-" + HexFormat.of().toHexDigits(hash);
  }
}

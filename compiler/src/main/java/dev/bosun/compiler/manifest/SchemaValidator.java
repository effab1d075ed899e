package dev.bosun.compiler.manifest;

import dev.bosun.api.v1alpha1.Patterns;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.ImageReferences;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks a YAML tree against a CRD's OpenAPI v3 schema the way the API server would (types,
 * required fields, enums, patterns, bounds, unknown fields), collecting every problem. CEL rules
 * are not evaluated here: {@link dev.bosun.compiler.Rules} states them in Java.
 */
final class SchemaValidator {
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SchemaValidator() {}

  static List<FieldError> validate(Node node, Map<String, Object> schema, String path) {
    List<FieldError> problems = new ArrayList<>();
    check(node, schema, path, problems);
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static void check(
      Node node, Map<String, Object> schema, String path, List<FieldError> problems) {
    if (isNull(node)
        || Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))
        || Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
      return;
    }
    String type = (String) schema.get("type");
    switch (type == null ? "" : type) {
      case "object" -> checkObject(node, schema, path, problems);
      case "array" -> {
        if (!(node instanceof SequenceNode sequence)) {
          problems.add(new FieldError(path, "must be a list"));
          return;
        }
        Number maxItems = (Number) schema.get("maxItems");
        if (maxItems != null && sequence.getValue().size() > maxItems.intValue()) {
          problems.add(new FieldError(path, "must have at most " + maxItems.intValue() + " items"));
        }
        Map<String, Object> items = (Map<String, Object>) schema.get("items");
        for (int i = 0; i < sequence.getValue().size() && items != null; i++) {
          check(sequence.getValue().get(i), items, path + "[" + i + "]", problems);
        }
      }
      case "string" -> checkString(node, schema, path, problems);
      case "integer" -> checkInteger(node, schema, path, problems);
      case "boolean" -> {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
          problems.add(new FieldError(path, "must be true or false"));
        }
      }
      default -> {}
    }
  }

  @SuppressWarnings("unchecked")
  private static void checkObject(
      Node node, Map<String, Object> schema, String path, List<FieldError> problems) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(new FieldError(path, "must be a mapping"));
      return;
    }
    Map<String, Object> properties =
        (Map<String, Object>) schema.getOrDefault("properties", Map.of());
    Object additional = schema.get("additionalProperties");
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
      if (key == null) {
        problems.add(new FieldError(path, "keys must be plain strings"));
        continue;
      }
      String child =
          path.isEmpty()
              ? key
              : (additional instanceof Map ? path + "[" + key + "]" : path + "." + key);
      if (!seen.add(key)) {
        problems.add(new FieldError(child, "is set more than once"));
        continue;
      }
      if (properties.containsKey(key)) {
        check(tuple.getValueNode(), (Map<String, Object>) properties.get(key), child, problems);
      } else if (additional instanceof Map<?, ?> valueSchema) {
        check(tuple.getValueNode(), (Map<String, Object>) valueSchema, child, problems);
      } else if (!properties.isEmpty()) {
        problems.add(
            new FieldError(child, "unknown field" + Suggestions.hint(key, properties.keySet())));
      }
    }
    List<String> required = (List<String>) schema.getOrDefault("required", List.of());
    for (String name : required) {
      if (!seen.contains(name) || isNull(valueOf(mapping, name))) {
        problems.add(new FieldError(path.isEmpty() ? name : path + "." + name, "is required"));
      }
    }
  }

  private static void checkString(
      Node node, Map<String, Object> schema, String path, List<FieldError> problems) {
    if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.STR)) {
      String hint =
          node instanceof ScalarNode scalar ? " (quote it: \"" + scalar.getValue() + "\")" : "";
      problems.add(new FieldError(path, "must be a string" + hint));
      return;
    }
    String value = scalar.getValue();
    @SuppressWarnings("unchecked")
    List<String> allowed = (List<String>) schema.get("enum");
    if (allowed != null && !allowed.contains(value)) {
      problems.add(
          new FieldError(
              path,
              "\""
                  + value
                  + "\" is not one of "
                  + String.join(", ", allowed)
                  + Suggestions.hint(value, allowed)));
      return;
    }
    Number maxLength = (Number) schema.get("maxLength");
    if (maxLength != null && value.length() > maxLength.intValue()) {
      problems.add(new FieldError(path, "must be at most " + maxLength.intValue() + " characters"));
    }
    Number minLength = (Number) schema.get("minLength");
    if (minLength != null && value.length() < minLength.intValue()) {
      problems.add(
          new FieldError(path, "must be at least " + minLength.intValue() + " characters"));
    }
    String pattern = (String) schema.get("pattern");
    if (pattern != null && !compiled(pattern).matcher(value).find()) {
      // An image reference has several parts; the user is told which one is wrong.
      String expected =
          pattern.equals(Patterns.IMAGE)
              ? ImageReferences.problem(value).orElseThrow()
              : Patterns.DESCRIPTIONS.getOrDefault(pattern, "does not match " + pattern);
      problems.add(new FieldError(path, "\"" + value + "\" " + expected));
    }
  }

  private static void checkInteger(
      Node node, Map<String, Object> schema, String path, List<FieldError> problems) {
    if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.INT)) {
      problems.add(new FieldError(path, "must be a whole number"));
      return;
    }
    BigInteger value;
    try {
      value = integer(scalar);
    } catch (NumberFormatException e) {
      problems.add(new FieldError(path, "must be a decimal whole number"));
      return;
    }
    Number minimum = (Number) schema.get("minimum");
    Number maximum = (Number) schema.get("maximum");
    if (minimum != null && value.compareTo(BigInteger.valueOf(minimum.longValue())) < 0) {
      problems.add(new FieldError(path, "must be at least " + minimum.longValue()));
    } else if (maximum != null && value.compareTo(BigInteger.valueOf(maximum.longValue())) > 0) {
      problems.add(new FieldError(path, "must be at most " + maximum.longValue()));
    } else if (value.bitLength() > 31) {
      problems.add(new FieldError(path, "is too large"));
    }
  }

  private static Pattern compiled(String pattern) {
    return PATTERNS.computeIfAbsent(
        pattern,
        p -> {
          try {
            return Pattern.compile(p);
          } catch (PatternSyntaxException e) {
            throw new IllegalStateException(
                "the CRD schema has a pattern Java cannot read: " + p, e);
          }
        });
  }

  /**
   * The value of an {@code !!int} scalar, digits with '_' separators; other forms (0x, 0o) are a
   * NumberFormatException.
   */
  static BigInteger integer(ScalarNode scalar) {
    return new BigInteger(scalar.getValue().replace("_", ""));
  }

  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL));
  }

  static Node valueOf(MappingNode mapping, String key) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        return tuple.getValueNode();
      }
    }
    return null;
  }
}

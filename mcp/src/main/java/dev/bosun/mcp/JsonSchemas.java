package dev.bosun.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few JSON Schema shapes the tools' input and output schemas are made of, as the maps the SDK
 * sends. Inputs are closed objects ({@code additionalProperties: false}), so a misspelt argument is
 * refused by name rather than ignored.
 */
final class JsonSchemas {
  /** Kubernetes object names and Environment names: DNS labels. */
  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  private JsonSchemas() {}

  static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  /** An object whose fields are listed but which may carry more (cluster objects, conditions). */
  static Map<String, Object> openObject(Map<String, Object> properties, List<String> required) {
    Map<String, Object> schema = new LinkedHashMap<>(object(properties, required));
    schema.remove("additionalProperties");
    return schema;
  }

  static Map<String, Object> string(String description) {
    return Map.of("type", "string", "description", description);
  }

  static Map<String, Object> nullableString(String description) {
    return Map.of("type", List.of("string", "null"), "description", description);
  }

  static Map<String, Object> string(String description, int maxLength) {
    return Map.of("type", "string", "description", description, "maxLength", maxLength);
  }

  static Map<String, Object> name(String description) {
    return Map.of(
        "type", "string", "description", description, "pattern", DNS_LABEL, "maxLength", 63);
  }

  static Map<String, Object> integer(String description, int minimum, int maximum) {
    return Map.of(
        "type", "integer", "description", description, "minimum", minimum, "maximum", maximum);
  }

  static Map<String, Object> number(String description) {
    return Map.of("type", List.of("number", "null"), "description", description);
  }

  static Map<String, Object> bool(String description) {
    return Map.of("type", "boolean", "description", description);
  }

  static Map<String, Object> nullableBool(String description) {
    return Map.of("type", List.of("boolean", "null"), "description", description);
  }

  static Map<String, Object> enumOf(String description, List<String> values) {
    return Map.of("type", "string", "description", description, "enum", values);
  }

  static Map<String, Object> arrayOf(Map<String, Object> items) {
    return Map.of("type", "array", "items", items);
  }

  static Map<String, Object> strings() {
    return arrayOf(Map.of("type", "string"));
  }

  /** Anything JSON: a cluster object passed through as the API server gives it. */
  static Map<String, Object> any() {
    return Map.of();
  }
}

package dev.bosun.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chart's values.schema.json, from a hand-written template and the CRDs: a definition in the
 * template that says {@code "x-bosun-generated-from": "<crd name>"} becomes that CRD's {@code spec}
 * schema as JSON Schema, with the template's other keys laid over it. The tiers and the
 * GpuHealthPolicy in the values are so checked by the CRDs' own field lists, and a field the CRD
 * does not know is refused (where the API server would prune it silently).
 *
 * <p>What JSON Schema cannot say of a CRD, its CEL rules, the template writes out by hand (the
 * breaker's budget).
 */
public final class ValuesSchema {

  /** The marker key in a template definition. */
  public static final String GENERATED_FROM = "x-bosun-generated-from";

  /**
   * OpenAPI keywords that mean the same in JSON Schema. Formats are left out: Helm may assert them.
   */
  private static final List<String> KEPT =
      List.of(
          "description",
          "type",
          "enum",
          "pattern",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "minLength",
          "maxLength",
          "minItems",
          "maxItems",
          "uniqueItems",
          "required");

  private static final Set<String> NESTED =
      Set.of("properties", "items", "additionalProperties", "anyOf");

  private ValuesSchema() {}

  /**
   * @param template the hand-written schema
   * @param crds each CustomResourceDefinition by its name ({@code tiers.bosun.dev})
   * @throws IllegalArgumentException naming the definition whose CRD is missing
   */
  public static ObjectNode generate(JsonNode template, Map<String, JsonNode> crds) {
    ObjectNode schema = template.deepCopy();
    JsonNode definitions = schema.path("definitions");
    for (var entry : definitions.properties()) {
      JsonNode source = entry.getValue().get(GENERATED_FROM);
      if (source == null) {
        continue;
      }
      JsonNode crd = crds.get(source.asText());
      if (crd == null) {
        throw new IllegalArgumentException(
            "definitions." + entry.getKey() + ": no CRD named " + source.asText());
      }
      ObjectNode overlay = ((ObjectNode) entry.getValue()).deepCopy();
      overlay.remove(GENERATED_FROM);
      ObjectNode generated = convert(specSchema(crd));
      ((ObjectNode) definitions).set(entry.getKey(), overlay(generated, overlay));
    }
    return schema;
  }

  private static JsonNode specSchema(JsonNode crd) {
    JsonNode versions = crd.path("spec").path("versions");
    for (JsonNode version : versions) {
      if (version.path("storage").asBoolean(false)) {
        return version.path("schema").path("openAPIV3Schema").path("properties").path("spec");
      }
    }
    throw new IllegalArgumentException(
        crd.path("metadata").path("name").asText() + ": no storage version");
  }

  /** One OpenAPI schema as JSON Schema: objects with fields refuse others. */
  static ObjectNode convert(JsonNode openApi) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String keyword : KEPT) {
      if (openApi.has(keyword)) {
        out.set(keyword, openApi.get(keyword).deepCopy());
      }
    }
    if (openApi.path("nullable").asBoolean(false) && out.has("type")) {
      ArrayNode types = out.putArray("type");
      types.add(openApi.get("type").asText()).add("null");
    }
    for (String keyword : NESTED) {
      JsonNode nested = openApi.get(keyword);
      if (nested == null) {
        continue;
      }
      switch (keyword) {
        case "properties" -> {
          ObjectNode properties = out.putObject("properties");
          nested.properties().forEach(p -> properties.set(p.getKey(), convert(p.getValue())));
        }
        case "anyOf" -> {
          ArrayNode alternatives = out.putArray("anyOf");
          nested.forEach(alternative -> alternatives.add(convert(alternative)));
        }
        default -> out.set(keyword, nested.isObject() ? convert(nested) : nested.deepCopy());
      }
    }
    boolean preservesUnknown =
        openApi.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (openApi.has("properties") && !openApi.has("additionalProperties") && !preservesUnknown) {
      out.put("additionalProperties", false);
    }
    return out;
  }

  /** {@code top} laid over {@code base}: objects merge key by key, anything else replaces. */
  static ObjectNode overlay(ObjectNode base, ObjectNode top) {
    ObjectNode merged = base.deepCopy();
    top.properties()
        .forEach(
            entry -> {
              JsonNode below = merged.get(entry.getKey());
              if (below instanceof ObjectNode belowObject
                  && entry.getValue() instanceof ObjectNode topObject) {
                merged.set(entry.getKey(), overlay(belowObject, topObject));
              } else {
                merged.set(entry.getKey(), entry.getValue().deepCopy());
              }
            });
    return merged;
  }
}

package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed values.schema.json is the one {@link ValuesSchema} generates from its template and
 * the chart's CRDs. When it fails after a CRD or template change, regenerate it: {@code ./mvnw -pl
 * chart -am test -Dtest=ValuesSchemaTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbosun.chart.writeSchema=true}.
 */
class ValuesSchemaTest {

  static final Path COMMITTED = Helm.CHART.resolve("values.schema.json");
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Test
  void committedSchemaIsTheGeneratedOne() throws IOException {
    String generated = JSON.writeValueAsString(ValuesSchema.generate(template(), crds())) + "\n";
    if (Boolean.getBoolean("bosun.chart.writeSchema")) {
      Files.writeString(COMMITTED, generated);
    }
    assertThat(Files.readString(COMMITTED))
        .as("values.schema.json is stale: see ValuesSchemaTest's comment")
        .isEqualTo(generated);
  }

  @Test
  void crdObjectsRefuseUnknownFieldsAndKeepTheirMaps() throws IOException {
    JsonNode openApi =
        Manifests.YAML.readTree(
            """
            type: object
            properties:
              resources:
                type: object
                properties: {cpu: {type: string, format: quantity}}
              labels:
                type: object
                additionalProperties: {type: string}
              free: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {a: {type: string}}}
              maybe: {type: string, nullable: true}
            """);
    JsonNode converted = ValuesSchema.convert(openApi);
    assertThat(converted.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(converted.at("/properties/resources/additionalProperties").asBoolean(true))
        .isFalse();
    assertThat(converted.at("/properties/resources/properties/cpu").has("format")).isFalse();
    assertThat(converted.at("/properties/labels/additionalProperties/type").asText())
        .isEqualTo("string");
    assertThat(converted.at("/properties/free").has("additionalProperties")).isFalse();
    assertThat(converted.at("/properties/maybe/type").toString())
        .isEqualTo("[\"string\",\"null\"]");
  }

  @Test
  void theTemplateOverlaysTheGeneratedDefinition() throws IOException {
    JsonNode budget =
        ValuesSchema.generate(template(), crds())
            .at("/definitions/gpuHealthPolicySpec/properties/breaker/properties/maxQuarantined");
    assertThat(budget.at("/anyOf/0/minimum").asInt()).isZero();
    // The generated part is still there beside the overlay.
    assertThat(budget.path("x-bosun-generated-from").isMissingNode()).isTrue();
  }

  @Test
  void aDefinitionFromAMissingCrdIsNamed() throws IOException {
    assertThatThrownBy(() -> ValuesSchema.generate(template(), Map.of()))
        .hasMessageContaining("definitions.tierSpec: no CRD named tiers.bosun.dev");
  }

  static JsonNode template() throws IOException {
    try (InputStream in = ValuesSchema.class.getResourceAsStream("values.schema.template.json")) {
      return JSON.readTree(in);
    }
  }

  static Map<String, JsonNode> crds() throws IOException {
    var crds = new TreeMap<String, JsonNode>();
    try (Stream<Path> files = Files.list(Helm.CHART.resolve("crds"))) {
      for (Path file : files.toList()) {
        JsonNode crd = Manifests.read(file).getFirst();
        crds.put(crd.path("metadata").path("name").asText(), crd);
      }
    }
    return crds;
  }
}

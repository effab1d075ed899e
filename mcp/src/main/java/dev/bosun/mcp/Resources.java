package dev.bosun.mcp;

import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.Output;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an agent reads before it writes: the cluster's tier catalog (as the session's agent sees
 * it), the Workload's JSON schema (its CRD's openAPIV3Schema, from the api jar) and the examples
 * (the repository's examples/, packaged into this jar, listed in {@link #EXAMPLES}).
 */
final class Resources {
  static final String TIERS = "bosun://tiers";
  static final String WORKLOAD_SCHEMA = "bosun://schema/workload";
  static final String EXAMPLE_PREFIX = "bosun://examples/";

  /** The examples packaged from the repository's examples/ (mcp/pom.xml copies them). */
  static final List<String> EXAMPLES =
      List.of(
          "chat.yaml",
          "embeddings.yaml",
          "finetune.yaml",
          "web-api.yaml",
          "agent/summarizer.yaml",
          "environments/production.yaml",
          "environments/staging.yaml",
          "sandboxes/coder.yaml");

  private final BosunMcpServer.Settings settings;

  Resources(BosunMcpServer.Settings settings) {
    this.settings = settings;
  }

  List<SyncResourceSpecification> all() {
    List<SyncResourceSpecification> all = new ArrayList<>();
    all.add(
        resource(
            TIERS,
            "tiers",
            "The size tiers of this cluster, as list_tiers gives them (JSON).",
            "application/json",
            context ->
                Output.json(
                    Map.of(
                        "tiers",
                        settings
                            .tiers()
                            .apply(settings.sessions().guardrails(context))
                            .all()
                            .stream()
                            .map(ManifestTools::summary)
                            .toList()))));
    all.add(
        resource(
            WORKLOAD_SCHEMA,
            "workload-schema",
            "The JSON schema of a Workload (bosun.dev/v1alpha1): its CRD's openAPIV3Schema.",
            "application/schema+json",
            context -> Output.json(ManifestReader.openApiSchema("Workload"))));
    for (String example : EXAMPLES) {
      all.add(
          resource(
              EXAMPLE_PREFIX + example,
              "example " + example,
              "An example from Bosun's examples/: " + example,
              "application/yaml",
              context -> example(example)));
    }
    return all;
  }

  private interface Reader {
    String read(McpTransportContext context);
  }

  private static SyncResourceSpecification resource(
      String uri, String name, String description, String mimeType, Reader reader) {
    return new SyncResourceSpecification(
        McpSchema.Resource.builder()
            .uri(uri)
            .name(name)
            .description(description)
            .mimeType(mimeType)
            .build(),
        (exchange, request) ->
            new McpSchema.ReadResourceResult(
                List.of(
                    new McpSchema.TextResourceContents(
                        uri, mimeType, reader.read(exchange.transportContext())))));
  }

  static String example(String file) {
    try (InputStream in = Resources.class.getResourceAsStream("examples/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the example " + file + " is missing from the mcp jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.bosun.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes objects read from YAML streams, and the key that names one in a cluster. */
final class Manifests {

  static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** Every object in a multi-document YAML stream; empty documents are skipped. */
  static List<ObjectNode> parse(String yaml) {
    var objects = new ArrayList<ObjectNode>();
    try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document instanceof ObjectNode object && !object.isEmpty()) {
          objects.add(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  static List<ObjectNode> read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What {@code kubectl apply -k directory} would apply, without kustomize's transformers (Bosun's
   * kustomizations only list resources): each listed file or folder, in order.
   */
  static List<ObjectNode> kustomization(Path directory) {
    JsonNode kustomization = read(directory.resolve("kustomization.yaml")).getFirst();
    var objects = new ArrayList<ObjectNode>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = directory.resolve(resource.asText());
      objects.addAll(Files.isDirectory(path) ? kustomization(path) : read(path));
    }
    return objects;
  }

  /** kind/namespace/name, as `kubectl get` would find it. */
  static String key(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    String namespace = metadata.path("namespace").asText("");
    return object.path("kind").asText()
        + "/"
        + (namespace.isEmpty() ? "" : namespace + "/")
        + metadata.path("name").asText();
  }
}

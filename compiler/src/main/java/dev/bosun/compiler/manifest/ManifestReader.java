package dev.bosun.compiler.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Problem;
import dev.bosun.compiler.Rules;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads Bosun objects from YAML text: every document is checked against its CRD's schema and the
 * rules between fields, and every problem is reported with its document and field path. Reading
 * is a pure function of the text; files are opened by the caller.
 */
public final class ManifestReader {
  public static final String API_VERSION = Workload.GROUP + "/" + Workload.VERSION;

  /** The kinds Bosun reads, with their classes and whether they live in a namespace. */
  private record Kind(Class<? extends HasMetadata> type, String crd, boolean namespaced) {}

  private static final Map<String, Kind> KINDS = Map.of(
      "Workload", new Kind(Workload.class, "workloads.bosun.dev-v1.yml", true),
      "Tier", new Kind(Tier.class, "tiers.bosun.dev-v1.yml", false),
      "Environment", new Kind(Environment.class, "environments.bosun.dev-v1.yml", false));

  private static final Map<String, Object> METADATA_SCHEMA = Map.of(
      "type", "object",
      "required", List.of("name"),
      "properties", Map.of(
          "name", Map.of("type", "string", "maxLength", 253),
          "namespace", Map.of("type", "string", "pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength", 63),
          "labels", Map.of("type", "object", "additionalProperties", Map.of("type", "string")),
          "annotations", Map.of("type", "object", "additionalProperties", Map.of("type", "string"))));

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Map<String, Map<String, Object>> SPEC_SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();
  /** Deeper than any real manifest; stops alias bombs and runaway nesting. */
  private static final int MAX_DEPTH = 64;

  private ManifestReader() {}

  /** Reads every document of {@code text}; {@code source} names it in problems. */
  public static ReadResult read(String source, String text) {
    List<Manifest> manifests = new ArrayList<>();
    List<ManifestProblem> problems = new ArrayList<>();
    LoadSettings settings = LoadSettings.builder().setLabel(source).setMaxAliasesForCollections(50)
        .setAllowDuplicateKeys(true).setCodePointLimit(16 * 1024 * 1024).build();
    Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
    int document = 0;
    boolean sawDocument = false;
    try {
      while (composer.hasNext()) {
        Node node = composer.next();
        document++;
        if (SchemaValidator.isNull(node)) {
          continue;
        }
        sawDocument = true;
        readDocument(source, document, node, manifests, problems);
      }
    } catch (MarkedYamlEngineException e) {
      var mark = e.getProblemMark().or(e::getContextMark);
      int line = mark.map(m -> m.getLine() + 1).orElse(0);
      int column = mark.map(m -> m.getColumn() + 1).orElse(0);
      problems.add(new ManifestProblem(source, document + 1, null, line, column,
          new Problem("", "YAML syntax error: " + Optional.ofNullable(e.getProblem()).orElse(e.getMessage()))));
      return new ReadResult(manifests, problems);
    } catch (YamlEngineException e) {
      problems.add(ManifestProblem.of(source, null, new Problem("", "YAML error: " + e.getMessage())));
      return new ReadResult(manifests, problems);
    }
    if (!sawDocument) {
      problems.add(ManifestProblem.of(source, null, new Problem("", "has no YAML documents")));
    }
    return new ReadResult(manifests, problems);
  }

  private static void readDocument(String source, int document, Node node, List<Manifest> manifests, List<ManifestProblem> problems) {
    String where = "document " + document;
    if (!(node instanceof MappingNode mapping)) {
      problems.add(ManifestProblem.of(source, document, where, new Problem("", "must be a mapping with apiVersion, kind, metadata and spec")));
      return;
    }
    String kindName = scalar(mapping, "kind");
    String name = SchemaValidator.valueOf(mapping, "metadata") instanceof MappingNode metadata ? scalar(metadata, "name") : null;
    if (kindName != null && name != null) {
      where = kindName + "/" + name;
    }
    List<Problem> found = new ArrayList<>();
    Kind kind = kindName == null ? null : KINDS.get(kindName);
    if (kindName == null) {
      found.add(new Problem("kind", "is required: one of " + String.join(", ", KINDS.keySet().stream().sorted().toList())));
    } else if (kind == null) {
      found.add(new Problem("kind", "\"" + kindName + "\" is not a Bosun kind; expected one of "
          + String.join(", ", KINDS.keySet().stream().sorted().toList()) + Suggestions.hint(kindName, KINDS.keySet())));
    }
    String apiVersion = scalar(mapping, "apiVersion");
    if (apiVersion == null) {
      found.add(new Problem("apiVersion", "is required: " + API_VERSION));
    } else if (!API_VERSION.equals(apiVersion)) {
      found.add(new Problem("apiVersion", "\"" + apiVersion + "\" is not served; use " + API_VERSION));
    }
    if (kind != null) {
      found.addAll(SchemaValidator.validate(node, envelopeSchema(kind), ""));
      Node namespace = SchemaValidator.valueOf(mapping, "metadata") instanceof MappingNode metadata
          ? SchemaValidator.valueOf(metadata, "namespace") : null;
      if (!kind.namespaced() && !SchemaValidator.isNull(namespace)) {
        found.add(new Problem("metadata.namespace", kindName + " is cluster-scoped and takes no namespace"));
      }
    }
    if (!found.isEmpty()) {
      final String object = where;
      found.forEach(problem -> problems.add(ManifestProblem.of(source, document, object, problem)));
      return;
    }
    HasMetadata object;
    try {
      object = MAPPER.treeToValue(toJson(node, 0), kind.type());
    } catch (IOException | IllegalArgumentException e) {
      problems.add(ManifestProblem.of(source, document, where, new Problem("", "cannot be read: " + e.getMessage())));
      return;
    }
    List<Problem> ruleProblems = switch (object) {
      case Workload workload -> Rules.checkWorkload(workload);
      case Tier tier -> Rules.checkTier(tier);
      default -> List.of();
    };
    if (!ruleProblems.isEmpty()) {
      final String object2 = where;
      ruleProblems.forEach(problem -> problems.add(ManifestProblem.of(source, document, object2, problem)));
      return;
    }
    manifests.add(new Manifest(source, document, object));
  }

  private static Map<String, Object> envelopeSchema(Kind kind) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("apiVersion", Map.of("type", "string"));
    properties.put("kind", Map.of("type", "string"));
    properties.put("metadata", METADATA_SCHEMA);
    properties.put("spec", SPEC_SCHEMAS.computeIfAbsent(kind.crd(), ManifestReader::loadSpecSchema));
    properties.put("status", Map.of("type", "object", "x-kubernetes-preserve-unknown-fields", true));
    return Map.of("type", "object", "required", List.of("apiVersion", "kind", "metadata", "spec"), "properties", properties);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> loadSpecSchema(String crd) {
    String resource = "/dev/bosun/api/crds/" + crd;
    try (InputStream in = Workload.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the CRD " + resource + " is missing from the api jar");
      }
      Map<String, Object> definition = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
      Map<String, Object> version = ((List<Map<String, Object>>) ((Map<String, Object>) definition.get("spec")).get("versions")).get(0);
      Map<String, Object> root = (Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
      return (Map<String, Object>) ((Map<String, Object>) root.get("properties")).get("spec");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String scalar(MappingNode mapping, String key) {
    return SchemaValidator.valueOf(mapping, key) instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR) ? scalar.getValue() : null;
  }

  /** The YAML tree as JSON, scalars typed by the YAML core schema that the validator has checked. */
  private static JsonNode toJson(Node node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH + " levels");
    }
    JsonNodeFactory json = JsonNodeFactory.instance;
    return switch (node) {
      case MappingNode mapping -> {
        ObjectNode object = json.objectNode();
        for (NodeTuple tuple : mapping.getValue()) {
          object.set(((ScalarNode) tuple.getKeyNode()).getValue(), toJson(tuple.getValueNode(), depth + 1));
        }
        yield object;
      }
      case SequenceNode sequence -> {
        ArrayNode array = json.arrayNode();
        sequence.getValue().forEach(item -> array.add(toJson(item, depth + 1)));
        yield array;
      }
      case ScalarNode scalar when scalar.getTag().equals(Tag.NULL) -> json.nullNode();
      case ScalarNode scalar when scalar.getTag().equals(Tag.BOOL) -> json.booleanNode(Boolean.parseBoolean(scalar.getValue().toLowerCase()));
      case ScalarNode scalar when scalar.getTag().equals(Tag.INT) -> json.numberNode(new BigInteger(scalar.getValue().replace("_", "")));
      case ScalarNode scalar -> json.textNode(scalar.getValue());
      default -> throw new IllegalArgumentException("unsupported YAML node " + node.getNodeType());
    };
  }
}

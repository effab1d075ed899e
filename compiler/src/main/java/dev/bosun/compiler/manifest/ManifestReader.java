package dev.bosun.compiler.manifest;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentSpec;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimSpec;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateSpec;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.SandboxWarmPoolSpec;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierSpec;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.Rules;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.CharConstants;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads Bosun objects from YAML text: every document is checked against its CRD's schema and the
 * rules between fields, and every problem is reported with its document and field path. Reading is
 * a pure function of the text; files are opened by the caller.
 */
public final class ManifestReader {
  public static final String API_VERSION = Workload.GROUP + "/" + Workload.VERSION;

  /** The kinds Bosun reads, with their classes and whether they live in a namespace. */
  private record Kind(
      Class<? extends CustomResource<?, ?>> type,
      Class<?> specType,
      String crd,
      boolean namespaced) {}

  private static final Map<String, Kind> KINDS =
      Map.of(
          "Workload",
              new Kind(Workload.class, WorkloadSpec.class, "workloads.bosun.dev-v1.yml", true),
          "Tier", new Kind(Tier.class, TierSpec.class, "tiers.bosun.dev-v1.yml", false),
          "Environment",
              new Kind(
                  Environment.class, EnvironmentSpec.class, "environments.bosun.dev-v1.yml", false),
          "SandboxTemplate",
              new Kind(
                  SandboxTemplate.class,
                  SandboxTemplateSpec.class,
                  "sandboxtemplates.bosun.dev-v1.yml",
                  true),
          "SandboxWarmPool",
              new Kind(
                  SandboxWarmPool.class,
                  SandboxWarmPoolSpec.class,
                  "sandboxwarmpools.bosun.dev-v1.yml",
                  true),
          "SandboxClaim",
              new Kind(
                  SandboxClaim.class,
                  SandboxClaimSpec.class,
                  "sandboxclaims.bosun.dev-v1.yml",
                  true),
          "Sandbox",
              new Kind(Sandbox.class, SandboxSpec.class, "sandboxes.bosun.dev-v1.yml", true));

  private static final Map<String, Object> METADATA_SCHEMA =
      Map.of(
          "type", "object",
          "required", List.of("name"),
          "properties",
              Map.of(
                  "name", Map.of("type", "string", "maxLength", 253),
                  "namespace",
                      Map.of(
                          "type",
                          "string",
                          "pattern",
                          "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                          "maxLength",
                          63),
                  "labels",
                      Map.of("type", "object", "additionalProperties", Map.of("type", "string")),
                  "annotations",
                      Map.of("type", "object", "additionalProperties", Map.of("type", "string"))));

  private static final Map<String, Map<String, Object>> SPEC_SCHEMAS = new ConcurrentHashMap<>();

  private ManifestReader() {}

  /**
   * Loads the Workload schema now rather than at the first read: a command that will read Workloads
   * calls it on a thread of its own while it parses its command line, since the load takes a short
   * command a tenth of its time.
   */
  public static void loadWorkloadSchema() {
    specSchema(KINDS.get("Workload"));
  }

  /**
   * Reads every document of {@code text}, a call's only input; {@code source} names it in problems.
   */
  public static ReadResult read(String source, String text) {
    return read(source, text, ManifestLimits.Usage.NONE);
  }

  /**
   * Reads every document of {@code text}, one of a call's inputs: {@code before} is what the inputs
   * read before it used of the call's limits. Once an input has passed one of them, later ones are
   * not read (the refusal names the input that passed it).
   */
  public static ReadResult read(String source, String text, ManifestLimits.Usage before) {
    return read(source, text, before, true);
  }

  /**
   * Reads objects that ship inside Bosun's own jar (the default tiers), without checking them
   * against their CRD's schema: the build does that ({@code TierCatalogTest}), and loading a schema
   * costs a short command a noticeable part of its run. The rules are still checked.
   */
  static ReadResult readBuiltIn(String source, String text) {
    return read(source, text, ManifestLimits.Usage.NONE, false);
  }

  private static ReadResult read(
      String source, String text, ManifestLimits.Usage before, boolean checkSchema) {
    if (before.passed()) {
      return new ReadResult(List.of(), List.of());
    }
    if (text.length() > ManifestLimits.MAX_INPUT_BYTES) {
      return new ReadResult(
          List.of(),
          List.of(
              ManifestProblem.of(
                  source,
                  null,
                  new FieldError(
                      "",
                      "is larger than the limit of "
                          + ManifestLimits.mebibytes(ManifestLimits.MAX_INPUT_BYTES)
                          + " of input per call, which cannot be raised; split the input over"
                          + " several calls"))));
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setAllowDuplicateKeys(true)
            // The library copies its look-ahead window at every refill of its buffer, which
            // makes a long token cost quadratic time (8 MB: 33 s); one buffer for the whole
            // text is read once.
            .setBufferSize(text.length() + 1)
            // Its own limits, per document, would refuse within the call's limits, without a
            // location: BoundedParser counts every alias, and the text is within the input limit.
            .setCodePointLimit(ManifestLimits.MAX_INPUT_BYTES)
            .setMaxAliasesForCollections(ManifestLimits.MAX_ALIASES)
            .build();
    BoundedParser parser =
        new BoundedParser(new ParserImpl(settings, new StreamReader(settings, text)), before);
    Composer composer = new Composer(settings, parser);
    List<Document> documents = new ArrayList<>();
    ManifestProblem unreadable = null;
    int number = 0;
    try {
      while (composer.hasNext()) {
        Node node = composer.next();
        number++;
        if (!SchemaValidator.isNull(node)) {
          documents.add(new Document(number, node));
        }
      }
    } catch (LimitExceededException e) {
      unreadable =
          new ManifestProblem(
              source,
              number + 1,
              "document " + (number + 1),
              e.line(),
              e.column(),
              new FieldError("", e.getMessage()));
    } catch (MarkedYamlEngineException e) {
      var mark = e.getProblemMark().or(e::getContextMark);
      int line = mark.map(m -> m.getLine() + 1).orElse(0);
      int column = mark.map(m -> m.getColumn() + 1).orElse(0);
      unreadable =
          new ManifestProblem(
              source,
              number + 1,
              null,
              line,
              column,
              new FieldError(
                  "",
                  "YAML syntax error: "
                      + Optional.ofNullable(e.getProblem()).orElse(e.getMessage())));
    } catch (ReaderException e) {
      unreadable = refusedCharacter(source, text, e);
    } catch (YamlEngineException e) {
      unreadable =
          ManifestProblem.of(source, null, new FieldError("", "YAML error: " + e.getMessage()));
    }
    // The documents before a syntax error are read too: every problem at once, in input order.
    List<Manifest> manifests = new ArrayList<>();
    List<ManifestProblem> problems = new ArrayList<>();
    for (ReadResult read :
        Streams.of(documents)
            .map(d -> readDocument(source, d.number(), d.node(), checkSchema))
            .toList()) {
      manifests.addAll(read.manifests());
      problems.addAll(read.problems());
    }
    if (unreadable != null) {
      problems.add(unreadable);
    } else if (documents.isEmpty()) {
      problems.add(ManifestProblem.of(source, null, new FieldError("", "has no YAML documents")));
    }
    return new ReadResult(manifests, problems, parser.used());
  }

  /**
   * A character YAML does not allow (a control character such as NUL, a lone surrogate, U+FFFE), at
   * its line and column: the first character of the text the library finds unprintable, as it reads
   * the text in order. (The index the library gives is one too far for a lone high surrogate at the
   * end of the text, which it reads as the start of a pair.) Lines and columns are counted as the
   * library counts them for its other errors.
   */
  private static ManifestProblem refusedCharacter(String source, String text, ReaderException e) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!StreamReader.isPrintable(c)) {
        break;
      }
      i += Character.charCount(c);
      boolean crAlone = c == '\r' && !(i < text.length() && text.charAt(i) == '\n');
      if (CharConstants.LINEBR.has(c) || crAlone) {
        line++;
        column = 1;
      } else if (c != '\uFEFF') {
        column++;
      }
    }
    String character =
        "U+%04X".formatted(e.getCodePoint())
            + Optional.ofNullable(Character.getName(e.getCodePoint()))
                .map(name -> " (" + name + ")")
                .orElse("");
    return new ManifestProblem(
        source,
        0,
        null,
        line,
        column,
        new FieldError(
            "",
            "YAML syntax error: the character "
                + character
                + " is not allowed in YAML (control characters other than tab and line breaks"
                + " are not, nor U+FFFE, U+FFFF or a lone surrogate)"));
  }

  /** A document of a YAML stream, numbered from 1 in the stream. */
  private record Document(int number, Node node) {}

  private static ReadResult readDocument(
      String source, int document, Node node, boolean checkSchema) {
    List<ManifestProblem> problems = new ArrayList<>();
    String where = "document " + document;
    if (!(node instanceof MappingNode mapping)) {
      problems.add(
          ManifestProblem.of(
              source,
              document,
              where,
              new FieldError("", "must be a mapping with apiVersion, kind, metadata and spec")));
      return new ReadResult(List.of(), problems);
    }
    String kindName = scalar(mapping, "kind");
    String name =
        SchemaValidator.valueOf(mapping, "metadata") instanceof MappingNode metadata
            ? scalar(metadata, "name")
            : null;
    if (kindName != null && name != null) {
      where = kindName + "/" + name;
    }
    List<FieldError> found = new ArrayList<>();
    Kind kind = kindName == null ? null : KINDS.get(kindName);
    if (kindName == null) {
      found.add(
          new FieldError(
              "kind",
              "is required: one of "
                  + String.join(", ", KINDS.keySet().stream().sorted().toList())));
    } else if (kind == null) {
      found.add(
          new FieldError(
              "kind",
              "\""
                  + kindName
                  + "\" is not a Bosun kind; expected one of "
                  + String.join(", ", KINDS.keySet().stream().sorted().toList())
                  + Suggestions.hint(kindName, KINDS.keySet())));
    }
    String apiVersion = scalar(mapping, "apiVersion");
    if (apiVersion == null) {
      found.add(new FieldError("apiVersion", "is required: " + API_VERSION));
    } else if (!API_VERSION.equals(apiVersion)) {
      found.add(
          new FieldError("apiVersion", "\"" + apiVersion + "\" is not served; use " + API_VERSION));
    }
    if (kind != null && checkSchema) {
      found.addAll(SchemaValidator.validate(node, envelopeSchema(kind), ""));
      Node namespace =
          SchemaValidator.valueOf(mapping, "metadata") instanceof MappingNode metadata
              ? SchemaValidator.valueOf(metadata, "namespace")
              : null;
      if (!kind.namespaced() && !SchemaValidator.isNull(namespace)) {
        found.add(
            new FieldError(
                "metadata.namespace", kindName + " is cluster-scoped and takes no namespace"));
      }
    }
    if (!found.isEmpty()) {
      final String object = where;
      found.forEach(problem -> problems.add(ManifestProblem.of(source, document, object, problem)));
      return new ReadResult(List.of(), problems);
    }
    HasMetadata object;
    try {
      object = bind(mapping, kind);
    } catch (IllegalArgumentException e) {
      problems.add(
          ManifestProblem.of(
              source, document, where, new FieldError("", "cannot be read: " + e.getMessage())));
      return new ReadResult(List.of(), problems);
    }
    List<FieldError> ruleProblems = new ArrayList<>(Rules.checkMetadata(object.getMetadata()));
    ruleProblems.addAll(
        switch (object) {
          case Workload workload -> Rules.checkWorkload(workload);
          case Tier tier -> Rules.checkTier(tier);
          case Environment environment -> Rules.checkEnvironment(environment);
          default -> List.of();
        });
    if (!ruleProblems.isEmpty()) {
      final String object2 = where;
      ruleProblems.forEach(
          problem -> problems.add(ManifestProblem.of(source, document, object2, problem)));
      return new ReadResult(List.of(), problems);
    }
    return new ReadResult(List.of(new Manifest(source, document, object)), problems);
  }

  private static Map<String, Object> envelopeSchema(Kind kind) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("apiVersion", Map.of("type", "string"));
    properties.put("kind", Map.of("type", "string"));
    properties.put("metadata", METADATA_SCHEMA);
    properties.put("spec", specSchema(kind));
    properties.put(
        "status", Map.of("type", "object", "x-kubernetes-preserve-unknown-fields", true));
    return Map.of(
        "type",
        "object",
        "required",
        List.of("apiVersion", "kind", "metadata", "spec"),
        "properties",
        properties);
  }

  /** The schema of the kind's spec, read from its CRD once. */
  private static Map<String, Object> specSchema(Kind kind) {
    return SPEC_SCHEMAS.computeIfAbsent(kind.crd(), ManifestReader::loadSpecSchema);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> loadSpecSchema(String crd) {
    Map<String, Object> root = loadOpenApiSchema(crd);
    return (Map<String, Object>) ((Map<String, Object>) root.get("properties")).get("spec");
  }

  /**
   * The whole {@code openAPIV3Schema} of a kind's CRD ({@code Workload}, {@code Tier}, ...), as the
   * api jar embeds it: what the MCP server offers agents as the kind's schema.
   */
  public static Map<String, Object> openApiSchema(String kind) {
    Kind known = KINDS.get(kind);
    if (known == null) {
      throw new IllegalArgumentException("Bosun has no kind " + kind);
    }
    return loadOpenApiSchema(known.crd());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> loadOpenApiSchema(String crd) {
    String resource = "/dev/bosun/api/crds/" + crd;
    try (InputStream in = Workload.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the CRD " + resource + " is missing from the api jar");
      }
      Map<String, Object> definition =
          (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
      Map<String, Object> version =
          ((List<Map<String, Object>>)
                  ((Map<String, Object>) definition.get("spec")).get("versions"))
              .get(0);
      return (Map<String, Object>)
          ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String scalar(MappingNode mapping, String key) {
    return SchemaValidator.valueOf(mapping, key) instanceof ScalarNode scalar
            && scalar.getTag().equals(Tag.STR)
        ? scalar.getValue()
        : null;
  }

  /** The object of a validated document: its metadata and spec; a status in a file is not read. */
  @SuppressWarnings("unchecked")
  private static HasMetadata bind(MappingNode document, Kind kind) {
    CustomResource<Object, ?> object;
    try {
      object = (CustomResource<Object, ?>) kind.type().getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + kind.type().getSimpleName(), e);
    }
    object.setMetadata(
        (ObjectMeta)
            ObjectBinder.bind(
                SchemaValidator.valueOf(document, "metadata"), ObjectMeta.class, "metadata"));
    object.setSpec(
        ObjectBinder.bind(SchemaValidator.valueOf(document, "spec"), kind.specType(), "spec"));
    return object;
  }
}

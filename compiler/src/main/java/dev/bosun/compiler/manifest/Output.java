package dev.bosun.compiler.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Kubernetes objects as multi-document YAML, or as one JSON {@code v1/List}; maps sorted by key.
 */
public final class Output {
  /** Jackson, made only when JSON is asked for: YAML output does without it. */
  private static final class Json {
    static final ObjectMapper OBJECTS =
        JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** For trees from {@link ModelTree}, whose maps are in the order they are to be written. */
    static final ObjectMapper TREES =
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  }

  private Output() {}

  /**
   * The objects as YAML documents. Past {@link ManifestLimits#MAX_OUTPUT_CHARS}, a {@link
   * LimitExceededException} while writing.
   */
  public static String yaml(List<? extends HasMetadata> objects) {
    OutputBudget budget = new OutputBudget();
    return Streams.of(objects)
        .map(object -> yamlDocument(object, budget))
        .collect(Collectors.joining());
  }

  private static String yamlDocument(HasMetadata object, OutputBudget budget) {
    StringBuilder out = new StringBuilder(2048).append("---\n");
    YamlWriter.write(tree(object), out, budget);
    return out.toString();
  }

  /**
   * The objects as one JSON {@code v1/List}. Past {@link ManifestLimits#MAX_OUTPUT_CHARS}, a {@link
   * LimitExceededException} while writing.
   */
  public static String jsonList(List<? extends HasMetadata> objects) {
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    list.put("items", objects.stream().map(Output::tree).toList());
    BudgetedWriter out = new BudgetedWriter(new OutputBudget());
    try {
      Json.TREES.writeValue(out, list);
    } catch (IOException e) {
      // Jackson wraps what the writer throws while it serialises.
      throw e.getCause() instanceof LimitExceededException limit
          ? limit
          : new UncheckedIOException(e);
    }
    return out.text.append('\n').toString();
  }

  /** Text kept in memory, spent from a budget as Jackson writes it. */
  private static final class BudgetedWriter extends Writer {
    final StringBuilder text = new StringBuilder();
    private final OutputBudget budget;

    BudgetedWriter(OutputBudget budget) {
      this.budget = budget;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      budget.spend(length);
      text.append(chars, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /**
   * An object as the maps, lists and scalars that are written for it, in the order they are
   * written.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> tree(HasMetadata object) {
    return (Map<String, Object>) ModelTree.of(object);
  }

  public static String json(Object value) {
    return write(Json.OBJECTS, value);
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

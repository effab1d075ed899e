package dev.bosun.compiler.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes model objects (fabric8's) as plain trees: maps with their entries in the order they
 * are written, lists, strings, numbers and booleans. It follows the annotations that Jackson would
 * follow on these classes: property names and order ({@code @JsonProperty},
 * {@code @JsonPropertyOrder}), inclusion ({@code @JsonInclude} on the field, else on the class,
 * else non-empty), {@code @JsonIgnore}, the additional properties last; map entries are sorted by
 * key; quantities are written as text and int-or-string values as what they hold.
 *
 * <p>Why not Jackson: building its serialisers for the dozens of model classes of one Workload
 * costs more start-up time than the rest of {@code bosun render} together. {@code
 * ModelTreeProperties} holds the two to the same output.
 */
final class ModelTree {
  /** A serialisable property of a model class: its name, its field, and when it is written. */
  private record Property(String name, Field field, JsonInclude.Include inclusion) {}

  /**
   * How a model class is written: its properties in order, then its additional properties (or
   * null).
   */
  private record Shape(List<Property> properties, Field additionalProperties) {}

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();
  private static final String ADDITIONAL_PROPERTIES = "additionalProperties";

  private ModelTree() {}

  /** The tree of {@code value}: a model object, a map, a collection or a scalar. */
  static Object of(Object value) {
    return switch (value) {
      case null -> null;
      case String text -> text;
      case Number number -> number;
      case Boolean bool -> bool;
      case Enum<?> constant -> constant.name();
      case Quantity quantity -> quantity.toString();
      case AnyType any -> of(any.getValue());
      case Map<?, ?> map -> sortedMap(map);
      case Collection<?> items -> {
        List<Object> list = new ArrayList<>(items.size());
        items.forEach(item -> list.add(of(item)));
        yield list;
      }
      default -> object(value);
    };
  }

  private static Map<String, Object> sortedMap(Map<?, ?> map) {
    Map<String, Object> sorted = new TreeMap<>();
    map.forEach((key, value) -> sorted.put(String.valueOf(key), of(value)));
    return sorted;
  }

  private static Map<String, Object> object(Object bean) {
    Map<String, Object> tree = new LinkedHashMap<>();
    Shape shape = SHAPES.computeIfAbsent(bean.getClass(), ModelTree::shape);
    for (Property property : shape.properties()) {
      Object value = read(property.field(), bean);
      if (included(value, property.inclusion())) {
        tree.put(property.name(), of(value));
      }
    }
    if (shape.additionalProperties() != null
        && read(shape.additionalProperties(), bean) instanceof Map<?, ?> extras) {
      extras.forEach((key, extra) -> tree.put(String.valueOf(key), of(extra)));
    }
    return tree;
  }

  private static Object read(Field field, Object bean) {
    try {
      return field.get(bean);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }

  private static Field accessible(Field field) {
    field.setAccessible(true);
    return field;
  }

  private static boolean included(Object value, JsonInclude.Include inclusion) {
    if (value == null) {
      return inclusion == JsonInclude.Include.ALWAYS;
    }
    if (inclusion != JsonInclude.Include.NON_EMPTY) {
      return true;
    }
    return switch (value) {
      case String text -> !text.isEmpty();
      case Collection<?> items -> !items.isEmpty();
      case Map<?, ?> map -> !map.isEmpty();
      default -> true;
    };
  }

  /**
   * How a model class is written: the names of its {@code @JsonPropertyOrder} first, then the other
   * annotated fields as declared, then its additional properties (a map of anything).
   */
  private static Shape shape(Class<?> type) {
    JsonInclude classInclusion = type.getAnnotation(JsonInclude.class);
    JsonInclude.Include fallback =
        classInclusion == null || classInclusion.value() == JsonInclude.Include.USE_DEFAULTS
            ? JsonInclude.Include.NON_EMPTY
            : classInclusion.value();
    Map<String, Property> byName = new LinkedHashMap<>();
    Field additional = null;
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        if (field.getName().equals(ADDITIONAL_PROPERTIES)
            && Map.class.isAssignableFrom(field.getType())) {
          additional = accessible(field);
          continue;
        }
        JsonProperty json = field.getAnnotation(JsonProperty.class);
        if (json == null || field.isAnnotationPresent(JsonIgnore.class)) {
          continue;
        }
        JsonInclude fieldInclusion = field.getAnnotation(JsonInclude.class);
        JsonInclude.Include inclusion =
            fieldInclusion == null || fieldInclusion.value() == JsonInclude.Include.USE_DEFAULTS
                ? fallback
                : fieldInclusion.value();
        String name = json.value().isEmpty() ? field.getName() : json.value();
        byName.putIfAbsent(name, new Property(name, accessible(field), inclusion));
      }
    }
    List<Property> ordered = new ArrayList<>();
    JsonPropertyOrder order = type.getAnnotation(JsonPropertyOrder.class);
    if (order != null) {
      for (String name : order.value()) {
        Property property = byName.remove(name);
        if (property != null) {
          ordered.add(property);
        }
      }
    }
    ordered.addAll(byName.values());
    return new Shape(List.copyOf(ordered), additional);
  }
}

package dev.bosun.compiler.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Builds the spec records of Bosun's API (and the few fabric8 beans they hold, such as tolerations)
 * from a YAML tree that {@link SchemaValidator} has accepted: records through their canonical
 * constructor, beans through their setters, by property name.
 *
 * <p>Why not Jackson: building its deserialisers costs more start-up time than everything else
 * {@code bosun render} does for one Workload. A mismatch with the schema that validation let
 * through (a bug, not bad input) is an {@link IllegalArgumentException} naming the field. The
 * recursion is as deep as the tree, which {@link BoundedParser} keeps within {@link
 * ManifestLimits#MAX_NESTING_DEPTH}.
 */
final class ObjectBinder {
  private static final Map<Class<?>, Constructor<?>> CANONICAL = new ConcurrentHashMap<>();

  /** The one-argument setters of a bean class, by property name. */
  private static final Map<Class<?>, Map<String, Method>> SETTERS = new ConcurrentHashMap<>();

  private ObjectBinder() {}

  /**
   * The value of {@code node} as a {@code type}: a record, a bean, an enum, a list, a map or a
   * scalar.
   */
  static Object bind(Node node, Type type, String path) {
    if (SchemaValidator.isNull(node)) {
      return null;
    }
    if (type instanceof ParameterizedType generic) {
      Type[] arguments = generic.getActualTypeArguments();
      if (generic.getRawType() == List.class && node instanceof SequenceNode sequence) {
        List<Object> list = new ArrayList<>(sequence.getValue().size());
        for (Node item : sequence.getValue()) {
          list.add(bind(item, arguments[0], path + "[" + list.size() + "]"));
        }
        return list;
      }
      if (generic.getRawType() == Map.class && node instanceof MappingNode mapping) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
          String key = key(entry);
          map.put(key, bind(entry.getValueNode(), arguments[1], path + "." + key));
        }
        return map;
      }
    } else if (type instanceof Class<?> target) {
      if (node instanceof ScalarNode scalar) {
        return scalar(scalar, target, path);
      }
      if (node instanceof MappingNode mapping && target.isRecord()) {
        return record(mapping, target, path);
      }
      if (node instanceof MappingNode mapping
          && !target.isInterface()
          && target.getName().startsWith("io.fabric8.")) {
        return bean(mapping, target, path);
      }
    }
    throw new IllegalArgumentException(
        path
            + ": a "
            + node.getNodeType().name().toLowerCase()
            + " cannot be read as "
            + type.getTypeName());
  }

  private static Object record(MappingNode mapping, Class<?> type, String path) {
    RecordComponent[] components = type.getRecordComponents();
    Map<String, Node> values = new HashMap<>();
    for (NodeTuple entry : mapping.getValue()) {
      values.put(key(entry), entry.getValueNode());
    }
    Object[] arguments = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      String name = propertyName(components[i]);
      Node value = values.remove(name);
      arguments[i] =
          value == null ? null : bind(value, components[i].getGenericType(), path + "." + name);
    }
    if (!values.isEmpty()) {
      throw new IllegalArgumentException(
          path
              + "."
              + values.keySet().iterator().next()
              + ": not a field of "
              + type.getSimpleName());
    }
    Constructor<?> constructor =
        CANONICAL.computeIfAbsent(type, ObjectBinder::canonicalConstructor);
    try {
      return constructor.newInstance(arguments);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(path + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + type.getName(), e);
    }
  }

  private static Constructor<?> canonicalConstructor(Class<?> record) {
    Class<?>[] types =
        Arrays.stream(record.getRecordComponents())
            .map(RecordComponent::getType)
            .toArray(Class<?>[]::new);
    try {
      return record.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(record.getName() + " has no canonical constructor", e);
    }
  }

  private static String propertyName(RecordComponent component) {
    JsonProperty renamed = component.getAnnotation(JsonProperty.class);
    return renamed == null || renamed.value().isEmpty() ? component.getName() : renamed.value();
  }

  /** A fabric8 model object (a toleration, say), filled through its setters. */
  private static Object bean(MappingNode mapping, Class<?> type, String path) {
    try {
      Object bean = type.getConstructor().newInstance();
      for (NodeTuple entry : mapping.getValue()) {
        String name = key(entry);
        Method setter = SETTERS.computeIfAbsent(type, ObjectBinder::setters).get(name);
        if (setter == null) {
          throw new IllegalArgumentException(
              path + "." + name + ": not a field of " + type.getSimpleName());
        }
        setter.invoke(
            bean,
            bind(entry.getValueNode(), setter.getGenericParameterTypes()[0], path + "." + name));
      }
      return bean;
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(path + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + type.getName(), e);
    }
  }

  private static Map<String, Method> setters(Class<?> type) {
    Map<String, Method> setters = new HashMap<>();
    for (Method method : type.getMethods()) {
      String name = method.getName();
      if (name.length() > 3 && name.startsWith("set") && method.getParameterCount() == 1) {
        setters.putIfAbsent(Character.toLowerCase(name.charAt(3)) + name.substring(4), method);
      }
    }
    return setters;
  }

  private static Object scalar(ScalarNode scalar, Class<?> type, String path) {
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    if (type == String.class && tag.equals(Tag.STR)) {
      return text;
    }
    if (type.isEnum() && tag.equals(Tag.STR)) {
      for (Object constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(text)) {
          return constant;
        }
      }
    }
    if ((type == Boolean.class || type == boolean.class) && tag.equals(Tag.BOOL)) {
      return Boolean.parseBoolean(text.toLowerCase());
    }
    if (tag.equals(Tag.INT)
        && (type == Integer.class
            || type == int.class
            || type == Long.class
            || type == long.class)) {
      try {
        BigInteger number = SchemaValidator.integer(scalar);
        // Two returns, not a conditional expression, which would widen the int to a long.
        if (type == Integer.class || type == int.class) {
          return number.intValueExact();
        }
        return number.longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException(
            path + ": " + text + " is not a " + type.getSimpleName().toLowerCase() + " number", e);
      }
    }
    throw new IllegalArgumentException(
        path + ": \"" + text + "\" cannot be read as " + type.getSimpleName());
  }

  private static String key(NodeTuple entry) {
    return ((ScalarNode) entry.getKeyNode()).getValue();
  }
}

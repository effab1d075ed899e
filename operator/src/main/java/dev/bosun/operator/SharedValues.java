package dev.bosun.operator;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a cached object share what thousands of cached objects repeat, so that the informer caches
 * (most of the operator's heap) hold each repeated value once:
 *
 * <ul>
 *   <li>equal strings become one instance: condition types, statuses and reasons, label values,
 *       namespaces, owner kinds, node names, the timestamps of a burst. A watch decodes each anew.
 *   <li>every empty list and map becomes the one immutable empty instance: fabric8's model starts
 *       each list and map field, {@code additionalProperties} included, as a new empty collection,
 *       and most stay empty. A non-empty list becomes an immutable copy of its exact size, a
 *       non-empty map a copy in the same order.
 * </ul>
 *
 * <p>With 5,000 Batch Workloads it took the operator's heap from 84 to 51 MiB ({@code
 * bench/operator/run.sh --heap 5000}). {@code uid} and {@code resourceVersion} are left as they
 * are: no two objects share them, so interning them would only grow the JVM's string table.
 *
 * <p>fabric8's model objects are changed in place; records (Bosun's API types) are rebuilt. The
 * result equals its input. Its collections are immutable, which is safe because cached objects are
 * read, never changed: a reconciler that wants a changed object copies it with a builder.
 */
final class SharedValues {
  private static final List<String> UNIQUE_PER_OBJECT = List.of("uid", "resourceVersion");

  /** The fields of each fabric8 model class that may hold shareable values. */
  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          var fields = new ArrayList<Field>();
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              if (!Modifier.isStatic(field.getModifiers())
                  && !Modifier.isFinal(field.getModifiers())
                  && !field.getType().isPrimitive()
                  && accessible(field)) {
                fields.add(field);
              }
            }
          }
          return List.copyOf(fields);
        }
      };

  /** The component accessors and canonical constructor of each record class. */
  private static final ClassValue<RecordShape> RECORDS =
      new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
          RecordComponent[] components = type.getRecordComponents();
          try {
            var constructor =
                type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new));
            var accessors = Arrays.stream(components).map(RecordComponent::getAccessor).toList();
            boolean open =
                accessible(constructor) && accessors.stream().allMatch(SharedValues::accessible);
            return new RecordShape(
                open ? constructor : null,
                accessors,
                Arrays.stream(components).map(RecordComponent::getName).toList());
          } catch (NoSuchMethodException e) {
            return new RecordShape(null, List.of(), List.of());
          }
        }
      };

  private SharedValues() {}

  /** {@code value} with its repeated values shared; equal to it. */
  @SuppressWarnings("unchecked")
  static <T> T share(T value) {
    return (T) shared(value);
  }

  private static Object shared(Object value) {
    return switch (value) {
      case null -> null;
      case String string -> string.intern();
      case List<?> list -> list.isEmpty() ? List.of() : sharedElements(list);
      case Map<?, ?> map -> map.isEmpty() ? Map.of() : sharedEntries(map);
      case Record record -> rebuilt(record);
      case KubernetesResource resource -> sharedInPlace(resource);
      default -> value;
    };
  }

  /** An immutable copy (nulls allowed, as a decoded list may hold them). */
  private static List<?> sharedElements(List<?> list) {
    return list.stream().map(SharedValues::shared).toList();
  }

  /** A copy in the same order: labels and annotations read back as they were written. */
  private static Map<?, ?> sharedEntries(Map<?, ?> map) {
    var copy = LinkedHashMap.newLinkedHashMap(map.size());
    map.forEach((key, value) -> copy.put(shared(key), shared(value)));
    return copy;
  }

  private static Object sharedInPlace(KubernetesResource resource) {
    for (Field field : FIELDS.get(resource.getClass())) {
      try {
        Object value = field.get(resource);
        if (value instanceof String && UNIQUE_PER_OBJECT.contains(field.getName())) {
          continue;
        }
        Object shared = shared(value);
        if (shared != value) {
          field.set(resource, shared);
        }
      } catch (IllegalAccessException | IllegalArgumentException e) {
        // A field that refuses the shared value keeps its own: sharing saves memory, never more.
      }
    }
    return resource;
  }

  private static Record rebuilt(Record record) {
    RecordShape shape = RECORDS.get(record.getClass());
    if (shape.constructor() == null) {
      return record;
    }
    try {
      var components = new Object[shape.accessors().size()];
      for (int i = 0; i < components.length; i++) {
        Object value = shape.accessors().get(i).invoke(record);
        components[i] =
            value instanceof String && UNIQUE_PER_OBJECT.contains(shape.names().get(i))
                ? value
                : shared(value);
      }
      return (Record) shape.constructor().newInstance(components);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      // A record whose constructor refuses its own components, now shared, stays as it was.
      return record;
    }
  }

  private static boolean accessible(AccessibleObject member) {
    try {
      member.setAccessible(true);
      return true;
    } catch (InaccessibleObjectException | SecurityException e) {
      return false;
    }
  }

  private record RecordShape(
      Constructor<?> constructor, List<Method> accessors, List<String> names) {}
}

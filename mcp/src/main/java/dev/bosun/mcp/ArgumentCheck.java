package dev.bosun.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A tool's arguments checked against its input schema (the subset of JSON Schema {@link
 * JsonSchemas} writes: a closed object of strings, integers, booleans and enums, with required
 * fields, lengths, patterns and ranges), each problem naming its field: {@code environment:
 * required}. The SDK's validator would say the same in its own words; these are the CLI's.
 */
final class ArgumentCheck {
  private ArgumentCheck() {}

  /** Every problem of {@code arguments}, by field name; empty when they fit. */
  @SuppressWarnings("unchecked")
  static List<String> problems(Map<String, Object> schema, Map<String, Object> arguments) {
    Map<String, Object> given = arguments == null ? Map.of() : arguments;
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    List<String> required = (List<String>) schema.getOrDefault("required", List.of());
    List<String> problems = new ArrayList<>();
    for (String name : new TreeSet<>(given.keySet())) {
      if (!properties.containsKey(name)) {
        problems.add(
            name + ": unknown argument (known: " + String.join(", ", properties.keySet()) + ")");
      }
    }
    for (var property : new TreeMap<>(properties).entrySet()) {
      String name = property.getKey();
      Object value = given.get(name);
      if (value == null) {
        if (required.contains(name)) {
          problems.add(name + ": required");
        }
        continue;
      }
      String problem = problem((Map<String, Object>) property.getValue(), value);
      if (problem != null) {
        problems.add(name + ": " + problem);
      }
    }
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static String problem(Map<String, Object> schema, Object value) {
    Object type = schema.get("type");
    if ("string".equals(type)) {
      if (!(value instanceof String text)) {
        return "must be a string, not " + kind(value);
      }
      Object values = schema.get("enum");
      if (values instanceof List<?> allowed && !allowed.contains(text)) {
        return "must be one of " + String.join(", ", (List<String>) allowed);
      }
      if (schema.get("maxLength") instanceof Integer max && text.length() > max) {
        return "is " + text.length() + " characters, more than the " + max + " allowed";
      }
      if (schema.get("pattern") instanceof String pattern
          && !Pattern.compile(pattern).matcher(text).find()) {
        return "\"" + clip(text) + "\" is not a name (lower-case letters, digits and '-')";
      }
      return null;
    }
    if ("integer".equals(type)) {
      if (!(value instanceof Number number)
          || number.doubleValue() != Math.rint(number.doubleValue())) {
        return "must be an integer, not " + kind(value);
      }
      long whole = number.longValue();
      if (schema.get("minimum") instanceof Integer min && whole < min) {
        return "must be at least " + min;
      }
      if (schema.get("maximum") instanceof Integer max && whole > max) {
        return "must be at most " + max;
      }
      return null;
    }
    if ("boolean".equals(type)) {
      return value instanceof Boolean ? null : "must be true or false, not " + kind(value);
    }
    return null;
  }

  private static String kind(Object value) {
    return switch (value) {
      case String text -> "the string \"" + clip(text) + "\"";
      case Boolean flag -> flag.toString();
      case Number number -> number.toString();
      case List<?> list -> "an array";
      case Map<?, ?> map -> "an object";
      default -> value.getClass().getSimpleName();
    };
  }

  private static String clip(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}

package dev.bosun.compiler.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a JSON tree as block YAML. A string is written plain only when no YAML reader could take
 * it for anything else; otherwise it is written as a JSON string, which is valid YAML too. Kept
 * small on purpose: a general YAML emitter costs most of a render's time.
 */
final class YamlWriter {
  /**
   * Plain scalars: words of safe characters, starting with a letter, '_', '/', a digit or "-" before
   * a letter or '-', with no ": ", " #" or trailing ':'. A YAML 1.1 or 1.2 reader takes them as strings
   * unless they are reserved words or look like numbers, which {@link #TYPED} catches.
   */
  private static final Pattern PLAIN = Pattern.compile(
      "^([A-Za-z0-9_/]|-[-A-Za-z])[A-Za-z0-9_./@()=+:-]*( [A-Za-z0-9_./@()=+-][A-Za-z0-9_./@()=+:-]*)*$");
  /** What a YAML 1.1 or 1.2 reader would read as a boolean, null, number, date or mapping. */
  private static final Pattern TYPED = Pattern.compile(
      "^((?i:y|n|yes|no|true|false|on|off|null|nan|inf)|[-+]?[0-9_.:eExXoObB+-]*|[^A-Za-z]*)$|:$|: ");

  private final StringBuilder out;

  private YamlWriter(StringBuilder out) {
    this.out = out;
  }

  /** Appends {@code node} (an object) as a YAML document body. */
  static void write(JsonNode node, StringBuilder out) {
    new YamlWriter(out).mapping(node, 0);
  }

  private void mapping(JsonNode node, int indent) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    boolean first = true;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!first) {
        pad(indent);
      }
      first = false;
      out.append(scalar(field.getKey())).append(':');
      value(field.getValue(), indent, true);
    }
  }

  /** The value after "key:"; nested blocks go on the next lines, sequences at the key's indent. */
  private void value(JsonNode value, int indent, boolean afterKey) {
    if (value.isObject() && !value.isEmpty()) {
      out.append('\n');
      pad(indent + 2);
      mapping(value, indent + 2);
    } else if (value.isArray() && !value.isEmpty()) {
      out.append('\n');
      sequence(value, afterKey ? indent : indent + 2);
    } else {
      out.append(' ').append(inline(value)).append('\n');
    }
  }

  private void sequence(JsonNode node, int indent) {
    for (JsonNode item : node) {
      pad(indent);
      out.append("- ");
      if (item.isObject() && !item.isEmpty()) {
        mapping(item, indent + 2);
      } else if (item.isArray() && !item.isEmpty()) {
        out.append('\n');
        sequence(item, indent + 2);
      } else {
        out.append(inline(item)).append('\n');
      }
    }
  }

  private static String inline(JsonNode value) {
    return switch (value.getNodeType()) {
      case OBJECT -> "{}";
      case ARRAY -> "[]";
      case NULL, MISSING -> "null";
      case BOOLEAN, NUMBER -> value.asText();
      default -> scalar(value.asText());
    };
  }

  static String scalar(String text) {
    if (PLAIN.matcher(text).matches() && !TYPED.matcher(text).find()) {
      return text;
    }
    return quoted(text);
  }

  private static String quoted(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        case '\r' -> quoted.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || Character.isSurrogate(c) && !validSurrogate(text, i)) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static boolean validSurrogate(String text, int i) {
    char c = text.charAt(i);
    return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }

  private void pad(int indent) {
    out.repeat(' ', indent);
  }
}

package dev.bosun.compiler.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree as block YAML. A string is written plain only when no YAML reader could take
 * it for anything else; otherwise it is written as a JSON string, which is valid YAML too. Kept
 * small on purpose: a general YAML emitter costs most of a render's time.
 */
final class YamlWriter {
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
    return isPlain(text) ? text : quoted(text);
  }

  /**
   * Whether {@code text} can be written plain: words of safe characters separated by single
   * spaces, starting with a letter, a digit, '_', '/' or "-" before a letter or '-', never
   * ": " nor a trailing ':'. Of those, a YAML 1.1 or 1.2 reader would still take some for another
   * type: reserved words (true, no, on, null, ...), number-like text (only digits, signs, '.',
   * '_', ':' and the letters of exponents and radix prefixes) and text without a letter.
   * A character scan, not a regular expression: it runs for every key and value written.
   */
  private static boolean isPlain(String text) {
    int length = text.length();
    if (length == 0) {
      return false;
    }
    char first = text.charAt(0);
    int start;
    if (first == '-') {
      if (length < 2 || !(text.charAt(1) == '-' || isLetter(text.charAt(1)))) {
        return false;
      }
      start = 2;
    } else if (isLetter(first) || isDigit(first) || first == '_' || first == '/') {
      start = 1;
    } else {
      return false;
    }
    boolean hasLetter = isLetter(first) || start == 2 && isLetter(text.charAt(1));
    boolean numberLike = isNumberChar(first) && (start == 1 || isNumberChar(text.charAt(1)));
    for (int i = start; i < length; i++) {
      char c = text.charAt(i);
      if (c == ' ') {
        char before = text.charAt(i - 1);
        char after = i + 1 < length ? text.charAt(i + 1) : ' ';
        if (before == ':' || after == ':' || !isWordChar(after)) {
          return false;
        }
      } else if (!isWordChar(c)) {
        return false;
      }
      hasLetter |= isLetter(c);
      numberLike &= isNumberChar(c);
    }
    return hasLetter && !numberLike && text.charAt(length - 1) != ':' && !isReservedWord(text);
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordChar(char c) {
    return isLetter(c) || isDigit(c) || "_./@()=+:-".indexOf(c) >= 0;
  }

  private static boolean isNumberChar(char c) {
    return isDigit(c) || "_.:eExXoObB+-".indexOf(c) >= 0;
  }

  private static boolean isReservedWord(String text) {
    return text.length() <= 5 && switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf" -> true;
      default -> false;
    };
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

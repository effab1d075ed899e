package dev.bosun.compiler.manifest;

import dev.bosun.gpu.text.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a plain tree ({@link ModelTree}: maps, lists, strings, numbers, booleans) as block YAML. A
 * string is written plain only when no YAML reader could take it for anything else; otherwise it is
 * written as a JSON string, which is valid YAML too. Kept small on purpose: a general YAML emitter
 * costs most of a render's time.
 */
final class YamlWriter {
  private final StringBuilder out;
  private final OutputBudget budget;

  /** How much of {@code out} has been spent from the budget. */
  private int spent;

  private YamlWriter(StringBuilder out, OutputBudget budget) {
    this.out = out;
    this.budget = budget;
  }

  /**
   * Appends {@code tree} (a mapping) as a YAML document body, spending {@code out} (what it held
   * before too) from {@code budget} as it grows.
   */
  static void write(Map<String, ?> tree, StringBuilder out, OutputBudget budget) {
    new YamlWriter(out, budget).mapping(tree, 0);
  }

  private void mapping(Map<?, ?> node, int indent) {
    boolean first = true;
    for (Map.Entry<?, ?> field : node.entrySet()) {
      if (!first) {
        pad(indent);
      }
      first = false;
      out.append(scalar(String.valueOf(field.getKey()))).append(':');
      value(field.getValue(), indent, true);
      spend();
    }
  }

  private void spend() {
    budget.spend(out.length() - spent);
    spent = out.length();
  }

  /** The value after "key:"; nested blocks go on the next lines, sequences at the key's indent. */
  private void value(Object value, int indent, boolean afterKey) {
    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
      out.append('\n');
      pad(indent + 2);
      mapping(map, indent + 2);
    } else if (value instanceof List<?> list && !list.isEmpty()) {
      out.append('\n');
      sequence(list, afterKey ? indent : indent + 2);
    } else {
      out.append(' ').append(inline(value)).append('\n');
    }
  }

  private void sequence(List<?> node, int indent) {
    for (Object item : node) {
      pad(indent);
      out.append("- ");
      if (item instanceof Map<?, ?> map && !map.isEmpty()) {
        mapping(map, indent + 2);
      } else if (item instanceof List<?> list && !list.isEmpty()) {
        out.append('\n');
        sequence(list, indent + 2);
      } else {
        out.append(inline(item)).append('\n');
      }
      spend();
    }
  }

  private static String inline(Object value) {
    return switch (value) {
      case null -> "null";
      case Map<?, ?> _ -> "{}";
      case List<?> _ -> "[]";
      case Number number -> number.toString();
      case Boolean bool -> bool.toString();
      default -> scalar(value.toString());
    };
  }

  static String scalar(String text) {
    return isPlain(text) ? text : Json.string(text);
  }

  /**
   * Whether {@code text} can be written plain: words of safe characters separated by single spaces,
   * starting with a letter, a digit, '_', '/' or "-" before a letter or '-', never ": " nor a
   * trailing ':'. Of those, a YAML 1.1 or 1.2 reader would still take some for another type:
   * reserved words (true, no, on, null, ...), number-like text (only digits, signs, '.', '_', ':'
   * and the letters of exponents and radix prefixes) and text without a letter. A character scan,
   * not a regular expression: it runs for every key and value written.
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
      hasLetter = hasLetter || isLetter(c);
      numberLike = numberLike && isNumberChar(c);
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
    return isLetter(c)
        || isDigit(c)
        || switch (c) {
          case '_', '.', '/', '@', '(', ')', '=', '+', ':', '-' -> true;
          default -> false;
        };
  }

  private static boolean isNumberChar(char c) {
    return isDigit(c)
        || switch (c) {
          case '_', '.', ':', 'e', 'E', 'x', 'X', 'o', 'O', 'b', 'B', '+', '-' -> true;
          default -> false;
        };
  }

  private static boolean isReservedWord(String text) {
    return text.length() <= 5
        && switch (text.toLowerCase(Locale.ROOT)) {
          case "y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf" -> true;
          default -> false;
        };
  }

  private void pad(int indent) {
    out.repeat(' ', indent);
  }
}

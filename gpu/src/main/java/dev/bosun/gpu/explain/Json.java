package dev.bosun.gpu.explain;

/**
 * The little JSON this module writes, by hand: string escaping per RFC 8259 (quotes, backslash,
 * control characters as {@code \\uXXXX}; lone surrogates from broken input too, so the output is
 * always valid UTF-8 JSON).
 */
public final class Json {

  private Json() {}

  /** {@code null} becomes {@code null}; anything else a quoted, escaped string. */
  public static String string(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(s.length() + 16).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i)); // a well-formed pair
          } else if (c < 0x20
              || c == 0x7F
              || Character.isSurrogate(c)
              || c == '\u2028'
              || c == '\u2029') {
            b.append("\\u%04x".formatted((int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  public static String number(Number n) {
    return n == null ? "null" : n.toString();
  }
}

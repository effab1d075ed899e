package dev.bosun.gpu.text;

/**
 * Quoted strings, written by hand: this module writes a little JSON and no library. {@link #string}
 * is also a valid YAML double-quoted scalar (YAML 1.1 and 1.2), so the compiler's YAML writer
 * quotes with it too: every escape used here ({@code \" \\ \n \r \t \b \f \\uXXXX}) means the same
 * in both, and the set of characters escaped is the union of what either needs.
 *
 * <ul>
 *   <li>JSON (RFC 8259): the quote, the backslash and C0 controls. U+2028 and U+2029 too, which
 *       JavaScript takes as line ends.
 *   <li>YAML: the same, plus what YAML does not allow raw (DEL, the C1 controls, U+FFFE, U+FFFF) or
 *       reads as a line break (NEL, U+2028, U+2029 in YAML 1.1).
 *   <li>Both: a lone surrogate from broken input is written as its escape, so the output is always
 *       valid UTF-8 and reads back as the same string.
 * </ul>
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
          if (Utf16.isPairAt(s, i)) {
            b.append(c).append(s.charAt(++i)); // a well-formed pair
          } else if (needsEscape(c)) {
            b.append("\\u%04x".formatted((int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || Character.isSurrogate(c)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\uFFFE'
        || c == '\uFFFF';
  }

  public static String number(Number n) {
    return n == null ? "null" : n.toString();
  }
}

package dev.bosun.gpu.text;

/** What the escapers need to know about UTF-16: where a well-formed surrogate pair starts. */
public final class Utf16 {

  private Utf16() {}

  /** Whether {@code s} holds a high surrogate at {@code i} followed by a low one. */
  public static boolean isPairAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }
}

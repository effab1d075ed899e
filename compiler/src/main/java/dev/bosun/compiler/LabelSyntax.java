package dev.bosun.compiler;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes label and annotation syntax, with the API server's reasons: a key is an optional DNS
 * subdomain prefix (at most 253 characters) and '/', then a name of at most 63 characters; a label
 * value is at most 63 characters of the name's alphabet, or empty.
 */
public final class LabelSyntax {
  private static final int MAX_NAME = 63;
  private static final int MAX_PREFIX = 253;
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final String ALPHABET =
      "letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

  private LabelSyntax() {}

  /** Nothing for a valid label or annotation key; otherwise what is wrong with it. */
  public static Optional<String> keyProblem(String key) {
    int slash = key.indexOf('/');
    String name = key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !PREFIX.matcher(prefix).matches()) {
        return Optional.of(
            "the prefix \""
                + prefix
                + "\" must be a DNS subdomain: at most 253 lower-case letters, digits, '-' and"
                + " '.', starting and ending with a letter or digit");
      }
      if (name.contains("/")) {
        return Optional.of("has more than one '/': a key is [prefix/]name");
      }
    }
    if (name.isEmpty()) {
      return Optional.of("has an empty name: a key is [prefix/]name");
    }
    if (name.length() > MAX_NAME) {
      return Optional.of("has a name of " + name.length() + " characters; at most 63");
    }
    return NAME.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("has the name \"" + name + "\", which must be " + ALPHABET);
  }

  /** Nothing for a valid label value; otherwise what is wrong with it. */
  public static Optional<String> valueProblem(String value) {
    if (value.length() > MAX_NAME) {
      return Optional.of("is " + value.length() + " characters long; a label value is at most 63");
    }
    return value.isEmpty() || NAME.matcher(value).matches()
        ? Optional.empty()
        : Optional.of("must be empty or " + ALPHABET);
  }
}

package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Patterns;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What is wrong with an image reference that Bosun does not take ({@link Patterns#IMAGE}), in
 * words. The grammar is the container registries' one, with a tag or a digest required: {@code
 * [host[:port]/]path[:tag][@sha256:digest]}, the host and path lower case, the tag up to 128
 * letters, digits, '_', '.' and '-'.
 */
public final class ImageReferences {
  private static final Pattern IMAGE = Pattern.compile(Patterns.IMAGE);
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  private ImageReferences() {}

  /** Nothing for a reference Bosun takes; otherwise the first thing wrong with it. */
  public static Optional<String> problem(String image) {
    return IMAGE.matcher(image).matches() ? Optional.empty() : Optional.of(reason(image));
  }

  private static String reason(String image) {
    for (int i = 0; i < image.length(); i++) {
      if (Character.isWhitespace(image.charAt(i)) || Character.isISOControl(image.charAt(i))) {
        return "has a space or a control character at position "
            + (i + 1)
            + ", which no image reference has";
      }
    }
    int at = image.indexOf('@');
    String nameAndTag = at < 0 ? image : image.substring(0, at);
    int colon = nameAndTag.lastIndexOf(':');
    // A colon before the last '/' separates a registry's host from its port, not a tag.
    boolean tagged = colon > nameAndTag.lastIndexOf('/');
    String repository = tagged ? nameAndTag.substring(0, colon) : nameAndTag;
    if (at >= 0 && !DIGEST.matcher(image.substring(at + 1)).matches()) {
      return "has the digest \""
          + image.substring(at + 1)
          + "\", which must be sha256: and 64 lower-case hex digits";
    }
    if (!tagged && at < 0) {
      return Patterns.DESCRIPTIONS.get(Patterns.IMAGE);
    }
    if (tagged && !TAG.matcher(nameAndTag.substring(colon + 1)).matches()) {
      return "has the tag \""
          + nameAndTag.substring(colon + 1)
          + "\", which must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.'"
          + " or '-'";
    }
    if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
      return "has upper-case letters in \""
          + repository
          + "\": registry and repository are lower case, only the tag may have capitals";
    }
    return "has the repository \""
        + repository
        + "\", which must be lower-case letters and digits separated by '.', '_', '-' or '/'"
        + " (and ':' before a registry's port), starting and ending with a letter or digit";
  }
}

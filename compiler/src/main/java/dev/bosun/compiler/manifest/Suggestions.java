package dev.bosun.compiler.manifest;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for a misspelt name: the closest candidate within a small edit distance. */
public final class Suggestions {
  private Suggestions() {}

  public static Optional<String> closest(String typed, Collection<String> candidates) {
    String word = typed.toLowerCase(Locale.ROOT);
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    // A name whose length differs by more than the edits allowed is not compared: the distance to
    // a long key (up to 256 KiB) costs its length times the name's, in time and in memory.
    return candidates.stream()
        .filter(candidate -> Math.abs(candidate.length() - word.length()) <= allowed)
        .filter(candidate -> distance(word, candidate.toLowerCase(Locale.ROOT)) <= allowed)
        .min(
            Comparator.comparingInt(
                    (String candidate) -> distance(word, candidate.toLowerCase(Locale.ROOT)))
                .thenComparing(Comparator.naturalOrder()));
  }

  /** " (did you mean x?)" or nothing. */
  public static String hint(String typed, Collection<String> candidates) {
    return closest(typed, candidates).map(c -> " (did you mean " + c + "?)").orElse("");
  }

  /** Levenshtein distance, with a transposition counted as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

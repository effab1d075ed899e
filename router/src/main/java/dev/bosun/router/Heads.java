package dev.bosun.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** What the request and response heads have in common: header lookup by name. */
final class Heads {
  private Heads() {}

  static List<String> values(List<Header> headers, String name) {
    return headers.stream().filter(h -> h.named(name)).map(Header::value).toList();
  }

  static Optional<String> single(List<Header> headers, String name) {
    List<String> values = values(headers, name);
    return values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
  }

  /** The comma-separated tokens of every field named {@code name}, lower-cased. */
  static List<String> tokens(List<Header> headers, String name) {
    List<String> tokens = new ArrayList<>();
    for (String value : values(headers, name)) {
      for (String token : value.split(",")) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) tokens.add(t);
      }
    }
    return tokens;
  }

  /** A Content-Length the parser already checked: one field of digits. */
  static OptionalLong contentLength(List<Header> headers) {
    return single(headers, "Content-Length")
        .map(v -> OptionalLong.of(Long.parseLong(v)))
        .orElse(OptionalLong.empty());
  }

  static boolean chunked(List<Header> headers) {
    return !values(headers, "Transfer-Encoding").isEmpty();
  }
}

package dev.bosun.gpu.model;

import java.util.List;
import java.util.Optional;

/**
 * What a parser made of its input: the value (absent when nothing usable was there) and what it had
 * to leave out. Parsers return this instead of throwing, so bad input becomes a counter and a log
 * line, never a crash.
 *
 * @param unparsed how many fields, rows or documents were malformed or absurd and were dropped
 * @param problems a short description of each, for logs (bounded by the parser)
 */
public record Parsed<T>(Optional<T> value, long unparsed, List<String> problems) {
  public Parsed {
    problems = List.copyOf(problems);
  }

  public static <T> Parsed<T> of(T value, long unparsed, List<String> problems) {
    return new Parsed<>(Optional.ofNullable(value), unparsed, problems);
  }

  public static <T> Parsed<T> failed(String problem) {
    return new Parsed<>(Optional.empty(), 1, List.of(problem));
  }
}

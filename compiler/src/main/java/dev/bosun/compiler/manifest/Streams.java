package dev.bosun.compiler.manifest;

import java.util.List;
import java.util.stream.Stream;

/**
 * Streams over independent items (documents, Workloads, objects): for many of them, on every core.
 */
final class Streams {
  /** Below this many items, starting other threads costs more than it saves. */
  private static final int PARALLEL_FROM = 64;

  private Streams() {}

  static <T> Stream<T> of(List<T> items) {
    return items.size() >= PARALLEL_FROM ? items.parallelStream() : items.stream();
  }
}

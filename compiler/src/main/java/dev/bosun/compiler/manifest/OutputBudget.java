package dev.bosun.compiler.manifest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The characters one output may take ({@link ManifestLimits#MAX_OUTPUT_CHARS}), spent as they are
 * written by every thread that writes a part of it: once it is spent, every writer stops at its
 * next entry, so no more than the limit (and one value per thread) is ever held.
 */
final class OutputBudget {
  private final AtomicLong left = new AtomicLong(ManifestLimits.MAX_OUTPUT_CHARS);

  void spend(int chars) {
    if (left.addAndGet(-chars) < 0) {
      throw new LimitExceededException(
          "the rendered objects pass the output limit of "
              + ManifestLimits.mebibytes(ManifestLimits.MAX_OUTPUT_CHARS)
              + ", which cannot be raised; render fewer Workloads per call",
          0,
          0);
    }
  }
}

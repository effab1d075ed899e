package dev.bosun.compiler.manifest;

/**
 * Input or output refused at one of {@link ManifestLimits}: the message names the limit and says
 * what to do instead; line and column (from 1) say where in the input, or are 0. Bad input, not a
 * fault of Bosun's, so it carries no stack trace.
 */
public final class LimitExceededException extends RuntimeException {
  private final int line;
  private final int column;

  LimitExceededException(String message, int line, int column) {
    super(message, null, false, false);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}

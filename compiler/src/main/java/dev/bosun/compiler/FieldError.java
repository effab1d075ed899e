package dev.bosun.compiler;

/**
 * One thing wrong with an input: the field path (such as {@code spec.replicas.min}; empty for the
 * input as a whole) and why. Validation collects every error at once rather than stopping at the
 * first.
 */
public record FieldError(String path, String message) {

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}

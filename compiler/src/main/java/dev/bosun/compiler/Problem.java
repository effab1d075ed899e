package dev.bosun.compiler;

/**
 * One thing wrong with an input: the field path (such as {@code spec.replicas.min}) and why.
 * Validation collects every problem at once rather than stopping at the first.
 */
public record Problem(String path, String message) {

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}

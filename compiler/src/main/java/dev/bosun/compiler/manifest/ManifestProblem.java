package dev.bosun.compiler.manifest;

import dev.bosun.compiler.FieldError;

/**
 * A problem located in an input: the source (a file name), the document's number in it (0 for the
 * source as a whole), the object ({@code Workload/chat}, or {@code document 2} when it has no kind
 * and name yet) and, for syntax errors, line and column.
 */
public record ManifestProblem(
    String source, int document, String object, int line, int column, FieldError error) {

  public static ManifestProblem of(String source, String object, FieldError error) {
    return new ManifestProblem(source, 0, object, 0, 0, error);
  }

  public static ManifestProblem of(String source, int document, String object, FieldError error) {
    return new ManifestProblem(source, document, object, 0, 0, error);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(source);
    if (line > 0) {
      text.append(':').append(line).append(':').append(column);
    }
    text.append(": ");
    if (object != null) {
      text.append(object).append(": ");
    }
    return text.append(error).toString();
  }
}

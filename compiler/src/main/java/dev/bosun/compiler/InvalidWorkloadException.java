package dev.bosun.compiler;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by the compiler when a Workload breaks a rule; it carries every problem found. */
public final class InvalidWorkloadException extends RuntimeException {
  private final transient List<FieldError> problems;

  public InvalidWorkloadException(List<FieldError> problems) {
    super(problems.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public List<FieldError> problems() {
    return problems;
  }
}

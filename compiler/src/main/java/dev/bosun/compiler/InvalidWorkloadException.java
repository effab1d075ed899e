package dev.bosun.compiler;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by the compiler when a Workload breaks a rule; it carries every problem found. */
public final class InvalidWorkloadException extends RuntimeException {
  private final transient List<Problem> problems;

  public InvalidWorkloadException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}

package dev.bosun.gpu;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * A liveness guard for properties over hostile input: the work must finish, within a bound so
 * generous that only a hang or runaway backtracking reaches it. It is not a speed target; speed is
 * measured apart from the tests.
 */
public final class HangGuard {

  public static final Duration LIMIT = Duration.ofSeconds(20);

  private HangGuard() {}

  public static <T> T finishes(ThrowingSupplier<T> work) {
    return assertTimeoutPreemptively(LIMIT, work);
  }
}

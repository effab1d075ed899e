package dev.bosun.api.v1alpha1;

import java.util.List;

/**
 * The promotion gates' names as results carry them ({@code status.gates.results[].name}), and who
 * writes the results.
 */
public final class Gates {
  /** The load at the declared capacity: every request got an HTTP answer. */
  public static final String LOAD_TEST = "LoadTest";

  /** The declared p99 latency and error rate held under that load. */
  public static final String SERVICE_LEVEL = "ServiceLevelObjective";

  /** Malformed bodies got answers below 500 and the Workload kept serving. */
  public static final String MALFORMED_INPUT = "MalformedInput";

  /** One replica taken away under load: failures within the error objective. */
  public static final String PARTIAL_OUTAGE = "PartialOutage";

  /** The order they run in: a failed gate skips the ones after it. */
  public static final List<String> ORDER =
      List.of(LOAD_TEST, SERVICE_LEVEL, MALFORMED_INPUT, PARTIAL_OUTAGE);

  /**
   * The field manager of {@code status.gates}: the operator's status apply owns only the fields it
   * sends, so it never removes the results.
   */
  public static final String FIELD_MANAGER = "bosun-gates";

  private Gates() {}
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Status conditions as the Kubernetes API conventions describe them. Their types and reasons are
 * the API's: {@link ConditionTypes}, {@link Reasons}.
 */
public final class Conditions {
  private Conditions() {}

  /** One condition as observed now; its transition time is settled by {@link #merge}. */
  public record Observed(String type, boolean status, String reason, String message) {}

  /**
   * The new conditions, each keeping its previous lastTransitionTime unless its status changed: the
   * time says when it became so, not when the operator last looked.
   */
  public static List<Condition> merge(
      List<Condition> previous, List<Observed> observed, long generation, Instant now) {
    List<Condition> merged = new ArrayList<>();
    for (Observed o : observed) {
      String status = o.status() ? "True" : "False";
      String since =
          previous == null
              ? null
              : previous.stream()
                  .filter(p -> p.type().equals(o.type()) && p.status().equals(status))
                  .map(Condition::lastTransitionTime)
                  .findFirst()
                  .orElse(null);
      merged.add(
          new Condition(
              o.type(),
              status,
              generation,
              since != null ? since : now.truncatedTo(ChronoUnit.SECONDS).toString(),
              o.reason(),
              truncate(o.message())));
    }
    return List.copyOf(merged);
  }

  public static Condition find(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> Objects.equals(c.type(), type)).findFirst().orElse(null);
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    Condition c = find(conditions, type);
    return c != null && "True".equals(c.status());
  }

  /** Messages are for humans; the API server caps them at 32 KiB, this keeps them readable. */
  private static String truncate(String message) {
    return message == null || message.length() <= 1024
        ? message
        : message.substring(0, 1021) + "...";
  }
}

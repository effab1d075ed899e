package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.SandboxWarmPoolStatus;
import dev.bosun.api.v1alpha1.Sandboxes;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Pure: what a warm pool does about the sandboxes waiting in it (how many to make, which to delete)
 * and its status.
 *
 * @param create how many sandboxes to make
 * @param delete which waiting sandboxes to delete: not ready ones first, then the newest
 */
record WarmPoolPlan(int create, List<String> delete, SandboxWarmPoolStatus status) {

  /**
   * A waiting sandbox is named {@code <pool>-<5 characters>}, and a sandbox's name is also its
   * Service's, a DNS label of at most 63 characters.
   */
  static final int MAX_POOL_NAME = 63 - 1 - 5;

  /** The length of the random part of a waiting sandbox's name. */
  static final int SUFFIX_LENGTH = 63 - 1 - MAX_POOL_NAME;

  /**
   * @param templateFound whether the pool's SandboxTemplate exists; without it nothing is made
   * @param sandboxes the sandboxes labelled with the pool; only those it controls count
   */
  static WarmPoolPlan plan(
      SandboxWarmPool pool,
      boolean templateFound,
      Collection<SandboxFacts> sandboxes,
      Instant now) {
    var metadata = pool.getMetadata();
    String name = metadata.getName();
    List<SandboxFacts> waiting =
        sandboxes.stream()
            .filter(
                s ->
                    !s.deleting()
                        && name.equals(s.warmPool())
                        && Objects.equals(metadata.getUid(), s.controllerUid()))
            .toList();
    int desired = Objects.requireNonNullElse(pool.getSpec().replicas(), 0);
    int ready = (int) waiting.stream().filter(SandboxFacts::ready).count();
    List<String> surplus =
        waiting.stream()
            .sorted(
                Comparator.comparing(SandboxFacts::ready)
                    .thenComparing(SandboxFacts::created, Comparator.reverseOrder())
                    .thenComparing(SandboxFacts::name, Comparator.reverseOrder()))
            .limit(Math.max(0, waiting.size() - desired))
            .map(SandboxFacts::name)
            .toList();
    Conditions.Observed condition;
    int create = 0;
    if (name.length() > MAX_POOL_NAME) {
      condition =
          new Conditions.Observed(
              ConditionTypes.READY,
              false,
              Reasons.INVALID_SPEC,
              "metadata.name: at most %d characters, as its sandboxes are named <pool>-<%d characters>"
                  .formatted(MAX_POOL_NAME, SUFFIX_LENGTH));
    } else if (!templateFound) {
      condition =
          new Conditions.Observed(
              ConditionTypes.READY,
              false,
              Reasons.TEMPLATE_NOT_FOUND,
              "spec.sandboxTemplateRef.name: no SandboxTemplate %s in namespace %s"
                  .formatted(pool.getSpec().sandboxTemplateRef().name(), metadata.getNamespace()));
    } else {
      create = Math.max(0, desired - waiting.size());
      boolean full = waiting.size() == desired && ready == desired;
      condition =
          new Conditions.Observed(
              ConditionTypes.READY,
              full,
              full ? Reasons.POOL_FULL : Reasons.POOL_FILLING,
              "%d of %d sandboxes ready".formatted(ready, desired));
    }
    var previous = pool.getStatus();
    var status =
        new SandboxWarmPoolStatus(
            metadata.getGeneration(),
            Conditions.merge(
                previous == null ? null : previous.conditions(),
                List.of(condition),
                Objects.requireNonNullElse(metadata.getGeneration(), 0L),
                now),
            waiting.size(),
            ready,
            selector(name));
    return new WarmPoolPlan(create, surplus, status);
  }

  /** The label selector of a pool's waiting sandboxes, as /scale reports it. */
  static String selector(String pool) {
    return Sandboxes.WARM_POOL_LABEL + "=" + pool;
  }
}

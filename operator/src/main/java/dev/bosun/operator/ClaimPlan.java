package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimSpec;
import dev.bosun.api.v1alpha1.SandboxClaimStatus;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Pure: what a SandboxClaim does (observe the sandbox it holds, take a ready one from a warm pool,
 * start one cold, or wait for its template), the patch that takes a warm sandbox, the sandbox a
 * cold start makes, and the claim's status.
 */
final class ClaimPlan {
  private ClaimPlan() {}

  /** What to do. */
  sealed interface Step {}

  /** The claim holds this sandbox already: only report on it. */
  record Observe(String sandbox) implements Step {}

  /** The claim's template does not exist: report it, make nothing. */
  record TemplateMissing() implements Step {}

  /**
   * Take the first of these ready warm sandboxes that no other claim takes first (oldest first);
   * start cold with {@link Reasons#WARM_POOL_EMPTY} when every one is taken.
   */
  record Adopt(List<SandboxFacts> candidates) implements Step {}

  /** Start a sandbox named after the claim, for this reason. */
  record ColdStart(String reason) implements Step {}

  /**
   * @param templateFound whether the claim's SandboxTemplate exists
   * @param pools the warm pools of the claim's namespace
   * @param warm the sandboxes waiting in those pools
   * @param held the sandbox labelled with this claim and controlled by it, null when none: the
   *     claim took or made it and its status does not say so yet (an operator stopped between the
   *     two writes)
   */
  static Step decide(
      SandboxClaim claim,
      boolean templateFound,
      Collection<SandboxWarmPool> pools,
      Collection<SandboxFacts> warm,
      SandboxFacts held) {
    var status = claim.getStatus();
    if (status != null && status.sandbox() != null) {
      return new Observe(status.sandbox().name());
    }
    if (held != null) {
      return new Observe(held.name());
    }
    if (!templateFound) {
      return new TemplateMissing();
    }
    Map<String, String> poolUids = fittingPools(claim.getSpec(), pools);
    if (poolUids.isEmpty()) {
      return new ColdStart(Reasons.NO_WARM_POOL);
    }
    if (claim.getSpec().env() != null && !claim.getSpec().env().isEmpty()) {
      return new ColdStart(Reasons.ENV_DIFFERS);
    }
    List<SandboxFacts> candidates =
        warm.stream()
            .filter(
                s ->
                    s.ready()
                        && !s.deleting()
                        && s.claim() == null
                        && s.warmPool() != null
                        && Objects.equals(poolUids.get(s.warmPool()), s.controllerUid()))
            .sorted(Comparator.comparing(SandboxFacts::created).thenComparing(SandboxFacts::name))
            .toList();
    return candidates.isEmpty() ? new ColdStart(Reasons.WARM_POOL_EMPTY) : new Adopt(candidates);
  }

  /** The pools a claim may take from, name to uid: its warmPoolRef, or any of its template. */
  private static Map<String, String> fittingPools(
      SandboxClaimSpec spec, Collection<SandboxWarmPool> pools) {
    return pools.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getSpec() != null
                    && spec.sandboxTemplateRef().equals(p.getSpec().sandboxTemplateRef()))
        .filter(
            p ->
                spec.warmPoolRef() == null
                    || spec.warmPoolRef().name().equals(p.getMetadata().getName()))
        .collect(
            Collectors.toMap(
                p -> p.getMetadata().getName(), p -> p.getMetadata().getUid(), (a, b) -> a));
  }

  /**
   * The JSON patch (RFC 6902) by which a claim takes a waiting sandbox, in one write: it tests the
   * resourceVersion the choice was made on (another claim that took it first makes it fail), makes
   * the claim its controller instead of the pool, moves it from the pool's label to the claim's,
   * dates the claim (its TTL counts from then) and gives it the claim's lifecycle.
   *
   * @param claimAsController the claim's owner reference as controller
   * @param hasAnnotations whether the sandbox has any annotation (a JSON patch cannot add a key to
   *     a map that is not there; the API server leaves an empty one out)
   */
  static List<Map<String, Object>> adoption(
      SandboxClaim claim,
      OwnerReference claimAsController,
      String resourceVersion,
      boolean hasAnnotations,
      Instant now) {
    var ops = new ArrayList<Map<String, Object>>();
    ops.add(op("test", "/metadata/resourceVersion", resourceVersion));
    ops.add(op("replace", "/metadata/ownerReferences", List.of(claimAsController)));
    ops.add(op("remove", "/metadata/labels/" + pointer(Sandboxes.WARM_POOL_LABEL), null));
    ops.add(
        op(
            "add",
            "/metadata/labels/" + pointer(Sandboxes.CLAIM_LABEL),
            claim.getMetadata().getName()));
    String claimedAt = timestamp(now);
    ops.add(
        hasAnnotations
            ? op("add", "/metadata/annotations/" + pointer(Sandboxes.CLAIMED_AT), claimedAt)
            : op("add", "/metadata/annotations", Map.of(Sandboxes.CLAIMED_AT, claimedAt)));
    if (claim.getSpec().lifecycle() != null) {
      ops.add(op("add", "/spec/lifecycle", claim.getSpec().lifecycle()));
    }
    return ops;
  }

  /**
   * The sandbox a cold start makes: named after the claim, controlled by it ({@code
   * claimAsController}), with its spec.
   */
  static Sandbox coldStart(SandboxClaim claim, OwnerReference claimAsController) {
    var sandbox = new Sandbox();
    sandbox.setMetadata(
        new ObjectMetaBuilder()
            .withName(claim.getMetadata().getName())
            .withNamespace(claim.getMetadata().getNamespace())
            .withLabels(Map.of(Sandboxes.CLAIM_LABEL, claim.getMetadata().getName()))
            .withOwnerReferences(claimAsController)
            .build());
    var spec = claim.getSpec();
    sandbox.setSpec(new SandboxSpec(spec.sandboxTemplateRef(), null, spec.env(), spec.lifecycle()));
    return sandbox;
  }

  /** The status of a claim whose template does not exist. */
  static SandboxClaimStatus templateMissing(SandboxClaim claim, Instant now) {
    return unbound(
        claim,
        Reasons.TEMPLATE_NOT_FOUND,
        "spec.sandboxTemplateRef.name: no SandboxTemplate %s in namespace %s"
            .formatted(
                claim.getSpec().sandboxTemplateRef().name(), claim.getMetadata().getNamespace()),
        now);
  }

  /** The status of a claim a sandbox of another owner keeps from starting cold. */
  static SandboxClaimStatus nameTaken(SandboxClaim claim, Instant now) {
    return unbound(
        claim,
        Reasons.SANDBOX_NOT_READY,
        "metadata.name: a Sandbox %s exists that this claim does not own, so none can start cold under its name"
            .formatted(claim.getMetadata().getName()),
        now);
  }

  private static SandboxClaimStatus unbound(
      SandboxClaim claim, String reason, String message, Instant now) {
    return status(
        claim,
        null,
        null,
        null,
        null,
        null,
        new Conditions.Observed(ConditionTypes.READY, false, reason, message),
        now);
  }

  /**
   * The status of a claim bound to a sandbox: just now (source and cold start reason given) or
   * before (both read from the previous status, or from the sandbox when that is lost).
   *
   * @param name the sandbox's name
   * @param sandbox what the cache holds of it, null when it is gone
   * @param source {@link Sandboxes#SOURCE_WARM_POOL} or {@link Sandboxes#SOURCE_COLD_START}, null
   *     when bound before
   */
  static SandboxClaimStatus bound(
      SandboxClaim claim,
      String name,
      SandboxFacts sandbox,
      String source,
      String coldStartReason,
      Instant now) {
    var previous = claim.getStatus();
    if (source == null) {
      source =
          previous != null && previous.source() != null ? previous.source() : sourceOf(sandbox);
      coldStartReason = previous == null ? null : previous.coldStartReason();
    }
    String boundAt =
        previous != null && previous.boundAt() != null
            ? previous.boundAt()
            : sandbox != null && sandbox.claimedAt() != null ? sandbox.claimedAt() : timestamp(now);
    boolean ready = sandbox != null && sandbox.ready();
    String readyAt =
        previous != null && previous.readyAt() != null
            ? previous.readyAt()
            : ready ? timestamp(now) : null;
    Conditions.Observed condition =
        ready
            ? new Conditions.Observed(
                ConditionTypes.READY,
                true,
                Sandboxes.SOURCE_WARM_POOL.equals(source)
                    ? Reasons.CLAIMED_FROM_WARM_POOL
                    : Reasons.COLD_STARTED,
                "Sandbox %s is ready".formatted(name))
            : new Conditions.Observed(
                ConditionTypes.READY,
                false,
                Reasons.SANDBOX_NOT_READY,
                sandbox == null
                    ? "Sandbox %s is gone".formatted(name)
                    : "Sandbox %s is not ready%s"
                        .formatted(
                            name,
                            sandbox.notReadyReason() == null
                                ? ""
                                : " (" + sandbox.notReadyReason() + ")"));
    return status(claim, name, source, coldStartReason, boundAt, readyAt, condition, now);
  }

  /** A claimed sandbox whose claim's status is lost: one taken from a pool is dated. */
  private static String sourceOf(SandboxFacts sandbox) {
    return sandbox != null && sandbox.claimedAt() != null
        ? Sandboxes.SOURCE_WARM_POOL
        : Sandboxes.SOURCE_COLD_START;
  }

  private static SandboxClaimStatus status(
      SandboxClaim claim,
      String sandbox,
      String source,
      String coldStartReason,
      String boundAt,
      String readyAt,
      Conditions.Observed condition,
      Instant now) {
    var previous = claim.getStatus();
    Long generation = claim.getMetadata().getGeneration();
    return new SandboxClaimStatus(
        generation,
        Conditions.merge(
            previous == null ? null : previous.conditions(),
            List.of(condition),
            Objects.requireNonNullElse(generation, 0L),
            now),
        sandbox == null ? null : new ObjectName(sandbox),
        source,
        coldStartReason,
        boundAt,
        readyAt);
  }

  /** RFC 3339 with milliseconds, as the claim's timings are written. */
  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** A key as a JSON pointer's segment (RFC 6901): {@code ~} and {@code /} escaped. */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    var map = new LinkedHashMap<String, Object>();
    map.put("op", op);
    map.put("path", path);
    if (value != null) {
      map.put("value", value);
    }
    return map;
  }
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the warm pool and claim reconcilers read of a Sandbox: who holds it, whether it is ready,
 * whether it is going. A change of anything else (its activity annotation, its timings) wakes
 * neither.
 *
 * @param controllerUid the uid of its controller (a pool or a claim), null when none
 * @param warmPool the pool it waits in (its {@link Sandboxes#WARM_POOL_LABEL}), null when claimed
 * @param claim the claim holding it (its {@link Sandboxes#CLAIM_LABEL}), null while it waits
 * @param claimedAt when a claim took it from a pool ({@link Sandboxes#CLAIMED_AT}), null otherwise
 * @param ready its Ready condition is True
 * @param notReadyReason its Ready condition's reason and message while not ready, for the claim's
 */
record SandboxFacts(
    String name,
    Instant created,
    String controllerUid,
    String warmPool,
    String claim,
    String claimedAt,
    boolean ready,
    String notReadyReason,
    boolean deleting) {

  static SandboxFacts of(Sandbox sandbox) {
    var metadata = sandbox.getMetadata();
    Map<String, String> labels = Objects.requireNonNullElse(metadata.getLabels(), Map.of());
    Map<String, String> annotations =
        Objects.requireNonNullElse(metadata.getAnnotations(), Map.of());
    Condition ready =
        sandbox.getStatus() == null
            ? null
            : Conditions.find(sandbox.getStatus().conditions(), ConditionTypes.READY);
    boolean isReady = ready != null && "True".equals(ready.status());
    return new SandboxFacts(
        metadata.getName(),
        metadata.getCreationTimestamp() == null
            ? Instant.EPOCH
            : Instant.parse(metadata.getCreationTimestamp()),
        Objects.requireNonNullElse(metadata.getOwnerReferences(), List.<OwnerReference>of())
            .stream()
            .filter(r -> Boolean.TRUE.equals(r.getController()))
            .map(OwnerReference::getUid)
            .findFirst()
            .orElse(null),
        labels.get(Sandboxes.WARM_POOL_LABEL),
        labels.get(Sandboxes.CLAIM_LABEL),
        annotations.get(Sandboxes.CLAIMED_AT),
        isReady,
        isReady || ready == null ? null : ready.reason() + ": " + ready.message(),
        metadata.getDeletionTimestamp() != null);
  }

  /** Whether a watch event changed what the reconcilers read: the filter of their informers. */
  static boolean changed(Sandbox now, Sandbox before) {
    return !of(now).equals(of(before));
  }
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimStatus;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds a {@link SandboxClaim} to a sandbox as {@link ClaimPlan} decides: takes a ready one from a
 * warm pool with one JSON patch, or makes one named after the claim, then reports on it. Everything
 * it reads comes from caches, so that a warm claim costs two writes (the patch, the status) and is
 * Ready in the reconciliation that took its sandbox.
 */
@ControllerConfiguration(name = SandboxClaimReconciler.NAME, fieldManager = Children.FIELD_MANAGER)
public final class SandboxClaimReconciler implements Reconciler<SandboxClaim> {
  static final String NAME = "sandbox-claim";
  private static final String BY_POOL = "pool";
  private static final String BY_CLAIM = "claim";

  private final KubernetesClient client;

  /**
   * The sandboxes a reconciliation of this operator is taking now: claims reconciled at once pick
   * different ones instead of racing for the oldest, which all but one would lose.
   */
  private final Set<ResourceID> adopting = ConcurrentHashMap.newKeySet();

  private InformerEventSource<Sandbox, SandboxClaim> sandboxes;
  private InformerEventSource<SandboxWarmPool, SandboxClaim> pools;
  private InformerEventSource<SandboxTemplate, SandboxClaim> templates;

  public SandboxClaimReconciler(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<EventSource<?, SandboxClaim>> prepareEventSources(
      EventSourceContext<SandboxClaim> context) {
    var claims = context.getPrimaryCache();
    // Every Sandbox, slim: the waiting ones are the candidates (by pool), a claimed one wakes its
    // claim (by label).
    sandboxes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Sandbox.class, SandboxClaim.class)
                .withItemStore(CachedShapes.store(CachedShapes::sandboxFacts))
                .withOnUpdateFilter(SandboxFacts::changed)
                .withSecondaryToPrimaryMapper(
                    (Sandbox s) ->
                        labelled(s, Sandboxes.CLAIM_LABEL)
                            .map(claim -> new ResourceID(claim, s.getMetadata().getNamespace()))
                            .map(Set::of)
                            .orElse(Set.of()))
                .build(),
            context);
    sandboxes.addIndexers(
        Map.of(
            BY_POOL, byLabel(Sandboxes.WARM_POOL_LABEL), BY_CLAIM, byLabel(Sandboxes.CLAIM_LABEL)));
    // Pools are only read: a claim that found none started cold and is bound.
    pools =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxWarmPool.class, SandboxClaim.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withGenericFilter(pool -> false)
                .withSecondaryToPrimaryMapper((SandboxWarmPool pool) -> Set.of())
                .build(),
            context);
    // A template created after a claim that named it lets the claim go on.
    templates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxTemplate.class, SandboxClaim.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withOnUpdateFilter((now, before) -> false)
                .withSecondaryToPrimaryMapper(
                    (SandboxTemplate template) ->
                        claims
                            .list(
                                template.getMetadata().getNamespace(),
                                c ->
                                    (c.getStatus() == null || c.getStatus().sandbox() == null)
                                        && template
                                            .getMetadata()
                                            .getName()
                                            .equals(c.getSpec().sandboxTemplateRef().name()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(sandboxes, pools, templates);
  }

  @Override
  public UpdateControl<SandboxClaim> reconcile(SandboxClaim claim, Context<SandboxClaim> context) {
    Instant now = Instant.now();
    String namespace = claim.getMetadata().getNamespace();
    var step =
        ClaimPlan.decide(
            claim,
            templates
                .get(new ResourceID(claim.getSpec().sandboxTemplateRef().name(), namespace))
                .isPresent(),
            pools.list(namespace, p -> true).toList(),
            waiting(namespace),
            held(claim).orElse(null));
    SandboxClaimStatus status =
        switch (step) {
          case ClaimPlan.Observe o ->
              ClaimPlan.bound(claim, o.sandbox(), facts(o.sandbox(), namespace), null, null, now);
          case ClaimPlan.TemplateMissing t -> ClaimPlan.templateMissing(claim, now);
          case ClaimPlan.Adopt a ->
              adoptOne(claim, a.candidates(), now)
                  .orElseGet(() -> coldStart(claim, Reasons.WARM_POOL_EMPTY, now));
          case ClaimPlan.ColdStart c -> coldStart(claim, c.reason(), now);
        };
    // Cached as written: the sandbox's own events wake the claim again at once, and the watch may
    // not have brought its status back by then (its source and cold start reason are only there).
    return StatusPatch.applyIfChanged(claim, new SandboxClaim(), status, context);
  }

  /**
   * Takes the first candidate no other claim takes first. A patch that fails its test of the
   * resourceVersion lost to another claim (of another operator, or this one's cache was behind).
   */
  private Optional<SandboxClaimStatus> adoptOne(
      SandboxClaim claim, List<SandboxFacts> candidates, Instant now) {
    String namespace = claim.getMetadata().getNamespace();
    for (SandboxFacts candidate : candidates) {
      var id = new ResourceID(candidate.name(), namespace);
      if (!adopting.add(id)) {
        continue;
      }
      try {
        Optional<Sandbox> cached = sandboxes.get(id);
        if (cached.isEmpty() || !SandboxFacts.of(cached.get()).equals(candidate)) {
          continue; // taken meanwhile by a reconciliation of this operator
        }
        Sandbox previous = cached.get();
        // Through the cached object: by name, fabric8 would GET the sandbox before patching it.
        Sandbox taken =
            client
                .resources(Sandbox.class)
                .inNamespace(namespace)
                .resource(previous)
                .patch(
                    PatchContext.of(PatchType.JSON),
                    Serialization.asJson(
                        ClaimPlan.adoption(
                            claim,
                            Children.controllerReference(claim),
                            previous.getMetadata().getResourceVersion(),
                            previous.getMetadata().getAnnotations() != null
                                && !previous.getMetadata().getAnnotations().isEmpty(),
                            now)));
        CachedShapes.sandboxFacts(taken);
        sandboxes.handleRecentResourceUpdate(id, taken, previous);
        return Optional.of(
            ClaimPlan.bound(
                claim,
                candidate.name(),
                SandboxFacts.of(taken),
                Sandboxes.SOURCE_WARM_POOL,
                null,
                now));
      } catch (KubernetesClientException e) {
        if (!lostTheRace(e)) {
          throw e;
        }
      } finally {
        adopting.remove(id);
      }
    }
    return Optional.empty();
  }

  /** A failed test of the resourceVersion (422), a write in between (409), or gone (404). */
  private static boolean lostTheRace(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT
        || e.getCode() == 422
        || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND;
  }

  private SandboxClaimStatus coldStart(SandboxClaim claim, String reason, Instant now) {
    String name = claim.getMetadata().getName();
    var id = new ResourceID(name, claim.getMetadata().getNamespace());
    Sandbox made;
    try {
      made =
          client.resource(ClaimPlan.coldStart(claim, Children.controllerReference(claim))).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Not this claim's (it would have been found held): someone else's Sandbox has the name.
      return ClaimPlan.nameTaken(claim, now);
    }
    CachedShapes.sandboxFacts(made);
    sandboxes.handleRecentResourceCreate(id, made);
    return ClaimPlan.bound(
        claim, name, SandboxFacts.of(made), Sandboxes.SOURCE_COLD_START, reason, now);
  }

  /** The sandboxes waiting in the namespace's pools, as this operator last wrote or saw them. */
  private List<SandboxFacts> waiting(String namespace) {
    return pools
        .list(namespace, p -> true)
        .flatMap(
            p -> sandboxes.byIndex(BY_POOL, namespace + "/" + p.getMetadata().getName()).stream())
        .map(s -> sandboxes.get(ResourceID.fromResource(s)))
        .flatMap(Optional::stream)
        .map(SandboxFacts::of)
        .toList();
  }

  /** The sandbox labelled with the claim and controlled by it, if any. */
  private Optional<SandboxFacts> held(SandboxClaim claim) {
    var metadata = claim.getMetadata();
    return sandboxes.byIndex(BY_CLAIM, metadata.getNamespace() + "/" + metadata.getName()).stream()
        .map(SandboxFacts::of)
        .filter(s -> Objects.equals(metadata.getUid(), s.controllerUid()))
        .findFirst();
  }

  private SandboxFacts facts(String sandbox, String namespace) {
    return sandboxes.get(new ResourceID(sandbox, namespace)).map(SandboxFacts::of).orElse(null);
  }

  private static Optional<String> labelled(Sandbox sandbox, String label) {
    var labels = sandbox.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(label));
  }

  private static Function<Sandbox, List<String>> byLabel(String label) {
    return s ->
        labelled(s, label)
            .map(v -> List.of(s.getMetadata().getNamespace() + "/" + v))
            .orElse(List.of());
  }
}

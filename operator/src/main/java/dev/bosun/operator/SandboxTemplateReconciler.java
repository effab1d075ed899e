package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateStatus;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.SandboxObjects;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Says whether a SandboxTemplate can make sandboxes: Ready when its tier exists and its fields are
 * valid; TierNotFound or InvalidSpec, naming the field, otherwise. It makes nothing.
 */
@ControllerConfiguration(
    name = SandboxTemplateReconciler.NAME,
    fieldManager = Children.FIELD_MANAGER)
public final class SandboxTemplateReconciler implements Reconciler<SandboxTemplate> {
  public static final String NAME = "sandbox-template";

  private InformerEventSource<Tier, SandboxTemplate> tiers;

  /** The templates that name {@code tier} as their size: a change of the tier concerns them. */
  static Stream<SandboxTemplate> ofTier(ResourceCache<SandboxTemplate> templates, Tier tier) {
    return templates.list(
        t -> t.getSpec() != null && tier.getMetadata().getName().equals(t.getSpec().size()));
  }

  @Override
  public List<EventSource<?, SandboxTemplate>> prepareEventSources(
      EventSourceContext<SandboxTemplate> context) {
    var templates = context.getPrimaryCache();
    tiers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Tier.class, SandboxTemplate.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withSecondaryToPrimaryMapper(
                    (Tier tier) ->
                        ofTier(templates, tier)
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(tiers);
  }

  @Override
  public UpdateControl<SandboxTemplate> reconcile(
      SandboxTemplate template, Context<SandboxTemplate> context) {
    SandboxTemplateStatus status =
        status(
            template,
            tiers.get(new ResourceID(template.getSpec().size())).orElse(null),
            Instant.now());
    return StatusPatch.applyIfChanged(template, new SandboxTemplate(), status, context);
  }

  /** The template's status with its tier (null when missing); pure. */
  static SandboxTemplateStatus status(SandboxTemplate template, Tier tier, Instant now) {
    long generation = Optional.ofNullable(template.getMetadata().getGeneration()).orElse(0L);
    Conditions.Observed ready;
    if (tier == null) {
      ready =
          new Conditions.Observed(
              ConditionTypes.READY,
              false,
              Reasons.TIER_NOT_FOUND,
              SandboxPlan.tierNotFound(template, ""));
    } else {
      List<FieldError> problems = SandboxObjects.checkTemplate(template, tier);
      ready =
          problems.isEmpty()
              ? new Conditions.Observed(
                  ConditionTypes.READY,
                  true,
                  Reasons.SANDBOX_READY,
                  "tier " + tier.getMetadata().getName() + " exists; sandboxes can be made")
              : new Conditions.Observed(
                  ConditionTypes.READY,
                  false,
                  Reasons.INVALID_SPEC,
                  problems.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    var previous = template.getStatus() == null ? null : template.getStatus().conditions();
    return new SandboxTemplateStatus(
        generation, Conditions.merge(previous, List.of(ready), generation, now));
  }
}

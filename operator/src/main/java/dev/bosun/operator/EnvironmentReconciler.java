package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentStatus;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Makes an Environment's namespace, quota, limits and default-deny policy, and keeps them so. */
@ControllerConfiguration(name = EnvironmentReconciler.NAME, fieldManager = Children.FIELD_MANAGER)
public final class EnvironmentReconciler implements Reconciler<Environment> {
  public static final String NAME = "environment";

  private final Children children;
  private InformerEventSource<Tier, Environment> tiers;

  public EnvironmentReconciler(KubernetesClient client) {
    this.children = new Children(client);
  }

  @Override
  public List<EventSource<?, Environment>> prepareEventSources(
      EventSourceContext<Environment> context) {
    var environments = context.getPrimaryCache();
    // A tier's GPU count is part of the quota: a changed tier re-renders every Environment.
    tiers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Tier.class, Environment.class)
                .withSecondaryToPrimaryMapper(
                    (Tier tier) ->
                        environments
                            .list(e -> true)
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(tiers);
  }

  @Override
  public UpdateControl<Environment> reconcile(
      Environment environment, Context<Environment> context) {
    Map<String, Tier> catalog =
        tiers
            .list(t -> true)
            .collect(Collectors.toMap(t -> t.getMetadata().getName(), Function.identity()));
    // The namespace outlives its Environment (Children owns only namespaced objects): deleting a
    // stage must not delete what runs there.
    Children.Applied applied =
        children.reconcile(
            environment, EnvironmentObjects.build(environment, catalog), inventoryOf(environment));
    return StatusPatch.applyIfChanged(
        environment,
        new Environment(),
        status(
            environment,
            true,
            Reasons.APPLIED,
            "namespace "
                + environment.getSpec().namespace()
                + " enforces the restricted Pod Security Standard",
            applied.inventory()),
        context);
  }

  @Override
  public ErrorStatusUpdateControl<Environment> updateErrorStatus(
      Environment environment, Context<Environment> context, Exception e) {
    return ErrorStatusUpdateControl.patchStatus(
        StatusPatch.of(
            environment,
            new Environment(),
            status(
                environment,
                false,
                Reasons.APPLY_FAILED,
                Optional.ofNullable(e.getMessage()).orElse(e.toString()),
                inventoryOf(environment))));
  }

  /** What the last successful reconcile applied, as the Environment's status keeps it. */
  private static List<ChildReference> inventoryOf(Environment environment) {
    return environment.getStatus() == null || environment.getStatus().children() == null
        ? List.of()
        : environment.getStatus().children();
  }

  /** The status to write; it always carries the inventory, since an apply without it drops it. */
  private static EnvironmentStatus status(
      Environment environment,
      boolean ready,
      String reason,
      String message,
      List<ChildReference> inventory) {
    long generation = Optional.ofNullable(environment.getMetadata().getGeneration()).orElse(0L);
    var previous = environment.getStatus() == null ? null : environment.getStatus().conditions();
    return new EnvironmentStatus(
        generation,
        Conditions.merge(
            previous,
            List.of(
                new Conditions.Observed(ConditionTypes.READY, ready, reason, message),
                new Conditions.Observed(
                    ConditionTypes.DEGRADED,
                    !ready,
                    ready ? Reasons.AS_EXPECTED : reason,
                    ready ? null : message)),
            generation,
            Instant.now()),
        inventory);
  }
}

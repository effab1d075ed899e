package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentStatus;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
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
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Makes an Environment's namespace, quota, limits and default-deny policy, and keeps them so. */
@ControllerConfiguration(name = EnvironmentReconciler.NAME, fieldManager = Children.FIELD_MANAGER)
public final class EnvironmentReconciler implements Reconciler<Environment> {
  public static final String NAME = "environment";

  private final KubernetesClient client;
  private InformerEventSource<Tier, Environment> tiers;

  public EnvironmentReconciler(KubernetesClient client) {
    this.client = client;
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
    List<HasMetadata> objects = EnvironmentObjects.build(environment, catalog);
    var owner =
        new OwnerReferenceBuilder()
            .withApiVersion(environment.getApiVersion())
            .withKind(environment.getKind())
            .withName(environment.getMetadata().getName())
            .withUid(environment.getMetadata().getUid())
            .withController(true)
            .build();
    for (HasMetadata object : objects) {
      // The namespace outlives its Environment: deleting a stage must not delete what runs there.
      if (!(object instanceof Namespace)) {
        object.getMetadata().setOwnerReferences(List.of(owner));
      }
      client
          .resource(object)
          .fieldManager(Children.FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
    if (objects.stream().noneMatch(o -> o instanceof ResourceQuota)) {
      client
          .resources(ResourceQuota.class)
          .inNamespace(environment.getSpec().namespace())
          .withName(EnvironmentObjects.QUOTA_NAME)
          .delete();
    }
    return patchIfChanged(
        environment,
        status(
            environment,
            true,
            Reasons.APPLIED,
            "namespace "
                + environment.getSpec().namespace()
                + " enforces the restricted Pod Security Standard"));
  }

  @Override
  public ErrorStatusUpdateControl<Environment> updateErrorStatus(
      Environment environment, Context<Environment> context, Exception e) {
    return ErrorStatusUpdateControl.patchStatus(
        withStatus(
            environment,
            status(
                environment,
                false,
                Reasons.APPLY_FAILED,
                Optional.ofNullable(e.getMessage()).orElse(e.toString()))));
  }

  private static EnvironmentStatus status(
      Environment environment, boolean ready, String reason, String message) {
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
            Instant.now()));
  }

  private static UpdateControl<Environment> patchIfChanged(
      Environment environment, EnvironmentStatus status) {
    return Objects.equals(status, environment.getStatus())
        ? UpdateControl.noUpdate()
        : UpdateControl.patchStatus(withStatus(environment, status));
  }

  private static Environment withStatus(Environment environment, EnvironmentStatus status) {
    var fresh = new Environment();
    fresh.setMetadata(
        new ObjectMetaBuilder().withName(environment.getMetadata().getName()).build());
    fresh.setStatus(status);
    return fresh;
  }
}

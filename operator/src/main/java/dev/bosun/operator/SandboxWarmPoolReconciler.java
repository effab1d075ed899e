package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Keeps a {@link SandboxWarmPool}'s sandboxes waiting, as {@link WarmPoolPlan} says: makes the
 * missing ones (labelled with the pool, controlled by it, of its template, with no env and no
 * lifecycle, so that they neither expire nor idle while they wait), deletes the surplus, writes the
 * status that /scale reads. A claim that takes a sandbox moves it off the pool's label, which the
 * pool's watch sees as the sandbox leaving: the pool refills.
 */
@ControllerConfiguration(
    name = SandboxWarmPoolReconciler.NAME,
    fieldManager = Children.FIELD_MANAGER)
public final class SandboxWarmPoolReconciler implements Reconciler<SandboxWarmPool> {
  static final String NAME = "sandbox-warm-pool";
  private static final String SUFFIX_CHARACTERS = "bcdfghjklmnpqrstvwxz2456789";
  private static final int NAME_TRIES = 10;

  private final KubernetesClient client;
  private InformerEventSource<Sandbox, SandboxWarmPool> sandboxes;
  private InformerEventSource<SandboxTemplate, SandboxWarmPool> templates;

  public SandboxWarmPoolReconciler(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<EventSource<?, SandboxWarmPool>> prepareEventSources(
      EventSourceContext<SandboxWarmPool> context) {
    var pools = context.getPrimaryCache();
    // Only waiting sandboxes: a claimed one leaves this cache, which is how the pool sees a claim.
    sandboxes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Sandbox.class, SandboxWarmPool.class)
                .withLabelSelector(Sandboxes.WARM_POOL_LABEL)
                .withItemStore(CachedShapes.store(CachedShapes::sandboxFacts))
                .withOnUpdateFilter(SandboxFacts::changed)
                .withSecondaryToPrimaryMapper(
                    (Sandbox s) ->
                        Set.of(
                            new ResourceID(
                                s.getMetadata().getLabels().get(Sandboxes.WARM_POOL_LABEL),
                                s.getMetadata().getNamespace())))
                .build(),
            context);
    // A template created after its pool lets the pool fill.
    templates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxTemplate.class, SandboxWarmPool.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withOnUpdateFilter((now, before) -> false)
                .withSecondaryToPrimaryMapper(
                    (SandboxTemplate template) ->
                        pools
                            .list(
                                template.getMetadata().getNamespace(),
                                p ->
                                    p.getSpec() != null
                                        && template
                                            .getMetadata()
                                            .getName()
                                            .equals(p.getSpec().sandboxTemplateRef().name()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(sandboxes, templates);
  }

  @Override
  public UpdateControl<SandboxWarmPool> reconcile(
      SandboxWarmPool pool, Context<SandboxWarmPool> context) {
    String namespace = pool.getMetadata().getNamespace();
    boolean templateFound =
        templates
            .get(new ResourceID(pool.getSpec().sandboxTemplateRef().name(), namespace))
            .isPresent();
    WarmPoolPlan plan =
        WarmPoolPlan.plan(
            pool,
            templateFound,
            context.getSecondaryResources(Sandbox.class).stream().map(SandboxFacts::of).toList(),
            Instant.now());
    for (String name : plan.delete()) {
      client.resources(Sandbox.class).inNamespace(namespace).withName(name).delete();
    }
    for (int i = 0; i < plan.create(); i++) {
      create(pool);
    }
    return StatusPatch.applyIfChanged(pool, new SandboxWarmPool(), plan.status(), context);
  }

  /** A waiting sandbox under a fresh random name; another name when that one is taken. */
  private void create(SandboxWarmPool pool) {
    for (int tries = 1; ; tries++) {
      Sandbox sandbox = waiting(pool, randomSuffix());
      try {
        Sandbox created = client.resource(sandbox).create();
        // The next reconciliation may come before the watch brings it: it must count it.
        sandboxes.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || tries == NAME_TRIES) {
          throw e;
        }
      }
    }
  }

  private static Sandbox waiting(SandboxWarmPool pool, String suffix) {
    var sandbox = new Sandbox();
    String name = pool.getMetadata().getName();
    sandbox.setMetadata(
        new ObjectMetaBuilder()
            .withName(name + "-" + suffix)
            .withNamespace(pool.getMetadata().getNamespace())
            .withLabels(Map.of(Sandboxes.WARM_POOL_LABEL, name))
            .withOwnerReferences(Children.controllerReference(pool))
            .build());
    sandbox.setSpec(new SandboxSpec(pool.getSpec().sandboxTemplateRef(), null, null, null));
    return sandbox;
  }

  private static String randomSuffix() {
    var random = ThreadLocalRandom.current();
    var suffix = new StringBuilder(WarmPoolPlan.SUFFIX_LENGTH);
    for (int i = 0; i < WarmPoolPlan.SUFFIX_LENGTH; i++) {
      suffix.append(SUFFIX_CHARACTERS.charAt(random.nextInt(SUFFIX_CHARACTERS.length())));
    }
    return suffix.toString();
  }
}

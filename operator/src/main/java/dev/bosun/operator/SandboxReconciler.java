package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.SandboxObjects;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Keeps a Sandbox's objects ({@link SandboxObjects}) and carries out its {@link SandboxPlan}:
 * creates its pod while it runs and deletes it while it is suspended, replaces a pod that ended or
 * went, makes its access token once, suspends it when idle, deletes or retains it at expiry, and
 * writes its status. It is woken by its own changes, its pod's, its template's and its tier's, and
 * by time only at its next deadline (idle timeout or TTL).
 */
@ControllerConfiguration(
    name = SandboxReconciler.NAME,
    fieldManager = Children.FIELD_MANAGER,
    // Labels and annotations (a claim, the token's hash) move no generation; ChildChanges.sandbox
    // passes what matters, and not the router's activity.
    generationAwareEventProcessing = false,
    // Delete events too, so that what is remembered of a Sandbox goes with it.
    triggerReconcilerOnAllEvents = true)
public final class SandboxReconciler implements Reconciler<Sandbox> {
  public static final String NAME = "sandbox";

  private static final int TOKEN_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KubernetesClient client;
  private final Children children;

  /**
   * What the last apply made of each Sandbox, by uid. Its Service, claim and policy change only
   * with its spec, template or tier; most reconciles follow its pod, and applying three objects
   * each time cost the API server (and the claims waiting behind it) a third of a second a
   * reconcile on two cores.
   *
   * @param desiredHash the desired children's hash
   * @param inventory what the apply left owned
   * @param volumeName the PersistentVolume bound to the memory claim; until it is known the
   *     children are applied again, since the applied claim is where the binding shows
   */
  private record LastApply(int desiredHash, List<ChildReference> inventory, String volumeName) {}

  private final Map<String, LastApply> lastApplies = new ConcurrentHashMap<>();

  private InformerEventSource<SandboxTemplate, Sandbox> templates;
  private InformerEventSource<Tier, Sandbox> tiers;
  private InformerEventSource<Pod, Sandbox> pods;

  public SandboxReconciler(KubernetesClient client) {
    this.client = client;
    this.children = new Children(client);
  }

  @Override
  public List<EventSource<?, Sandbox>> prepareEventSources(EventSourceContext<Sandbox> context) {
    var sandboxes = context.getPrimaryCache();
    templates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxTemplate.class, Sandbox.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withSecondaryToPrimaryMapper(
                    (SandboxTemplate template) ->
                        sandboxes
                            .list(
                                template.getMetadata().getNamespace(),
                                s -> usesTemplate(s, template.getMetadata().getName()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    tiers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Tier.class, Sandbox.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withSecondaryToPrimaryMapper(
                    (Tier tier) ->
                        SandboxTemplateReconciler.ofTier(templates, tier)
                            .flatMap(
                                t ->
                                    sandboxes.list(
                                        t.getMetadata().getNamespace(),
                                        s -> usesTemplate(s, t.getMetadata().getName())))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // Only sandbox pods, each kept slim; only changes the plan reads pass, and not the arrival of a
    // pod this reconciler has just created. A deleted pod wakes its Sandbox, which makes another.
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, Sandbox.class)
                .withLabelSelector(Sandboxes.SANDBOX_LABEL)
                .withItemStore(CachedShapes.store(CachedShapes::pod))
                .withOnAddFilter(ChildChanges::created)
                .withOnUpdateFilter(ChildChanges::sandboxPod)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Sandbox.class))
                .build(),
            context);
    return List.of(templates, tiers, pods);
  }

  private static boolean usesTemplate(Sandbox sandbox, String template) {
    return sandbox.getSpec() != null
        && sandbox.getSpec().sandboxTemplateRef() != null
        && template.equals(sandbox.getSpec().sandboxTemplateRef().name());
  }

  @Override
  public UpdateControl<Sandbox> reconcile(Sandbox sandbox, Context<Sandbox> context) {
    if (context.isPrimaryResourceDeleted()) {
      lastApplies.remove(sandbox.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    String namespace = sandbox.getMetadata().getNamespace();
    SandboxTemplate template =
        templates
            .get(new ResourceID(sandbox.getSpec().sandboxTemplateRef().name(), namespace))
            .orElse(null);
    Tier tier =
        template == null || template.getSpec() == null
            ? null
            : tiers.get(new ResourceID(template.getSpec().size())).orElse(null);
    SandboxPlan.Blocker blocker = SandboxPlan.blocker(sandbox, template, tier);
    List<ChildReference> inventory = inventoryOf(sandbox);
    String volumeName = null;
    Pod desiredPod = null;
    if (blocker == null) {
      SandboxObjects.Desired desired = SandboxObjects.of(sandbox, template, tier);
      String uid = sandbox.getMetadata().getUid();
      int hash = Serialization.asJson(desired.children()).hashCode();
      LastApply last = lastApplies.get(uid);
      if (last != null && last.desiredHash() == hash && last.volumeName() != null) {
        inventory = last.inventory();
        volumeName = last.volumeName();
      } else {
        Children.Applied applied = children.reconcile(sandbox, desired.children(), inventory);
        inventory = applied.inventory();
        volumeName =
            applied.stored().stream()
                .filter(PersistentVolumeClaim.class::isInstance)
                .map(c -> ((PersistentVolumeClaim) c).getSpec())
                .filter(Objects::nonNull)
                .map(PersistentVolumeClaimSpec::getVolumeName)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        lastApplies.put(uid, new LastApply(hash, inventory, volumeName));
      }
      desiredPod = desired.pod();
      ensureToken(sandbox);
    }
    Pod pod = context.getSecondaryResource(Pod.class).orElse(null);
    Instant now = Instant.now();
    SandboxPlan plan = SandboxPlan.of(sandbox, blocker, template, volumeName, pod, inventory, now);

    if (plan.deleteSandbox()) {
      client.resource(sandbox).delete();
      return UpdateControl.noUpdate();
    }
    if (plan.suspendForIdle()) {
      suspend(sandbox);
    }
    if (plan.deletePod()) {
      client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
    }
    if (plan.createPod()) {
      createPod(sandbox, desiredPod);
    }
    UpdateControl<Sandbox> control =
        StatusPatch.applyIfChanged(sandbox, new Sandbox(), plan.status(), context);
    return plan.wakeAt()
        .map(at -> control.rescheduleAfter(Duration.between(now, at).plusMillis(1)))
        .orElse(control);
  }

  /**
   * Sets spec.operatingMode to Suspended, only on the version the plan was made from: a resume the
   * router wrote meanwhile wins (the test of the resourceVersion fails, and the new version is
   * reconciled).
   */
  private void suspend(Sandbox sandbox) {
    // The spec changes from Running, so the server moves the generation on by one.
    String generation = Long.toString(sandbox.getMetadata().getGeneration() + 1);
    var patch =
        List.of(
            Map.of(
                "op",
                "test",
                "path",
                "/metadata/resourceVersion",
                "value",
                sandbox.getMetadata().getResourceVersion()),
            Map.of("op", "add", "path", "/spec/operatingMode", "value", OperatingMode.Suspended),
            sandbox.getMetadata().getAnnotations() == null
                ? Map.of(
                    "op",
                    "add",
                    "path",
                    "/metadata/annotations",
                    "value",
                    Map.of(Sandboxes.IDLE_SUSPENDED_GENERATION, generation))
                : Map.of(
                    "op",
                    "add",
                    "path",
                    "/metadata/annotations/"
                        + Sandboxes.IDLE_SUSPENDED_GENERATION.replace("~", "~0").replace("/", "~1"),
                    "value",
                    generation));
    // Through the object read, not by name: by name, the client would GET it first.
    client.resource(sandbox).patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch));
  }

  /** Creates the pod, owned by the Sandbox; one that exists already (a race) is left. */
  private void createPod(Sandbox sandbox, Pod desired) {
    desired.getMetadata().setOwnerReferences(List.of(Children.controllerReference(sandbox)));
    try {
      Pod created = client.pods().resource(desired).create();
      // The next reconcile may come before the watch brings the pod back.
      pods.handleRecentResourceCreate(ResourceID.fromResource(created), CachedShapes.pod(created));
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /**
   * Makes the access token once: a random token in the Secret, its hash on the Sandbox. The hash is
   * the record that the token exists: a Secret found without it (the operator stopped between the
   * two writes) gets a new token, written over it, since nobody can hold the old one's hash. The
   * operator never reads Secrets.
   */
  private void ensureToken(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(Sandboxes.TOKEN_SHA256)) {
      return;
    }
    byte[] random = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String name = Sandboxes.tokenSecretName(sandbox.getMetadata().getName());
    String namespace = sandbox.getMetadata().getNamespace();
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(SandboxObjects.labels(sandbox.getMetadata().getName()))
            .withOwnerReferences(Children.controllerReference(sandbox))
            .endMetadata()
            .withType("Opaque")
            .withData(
                Map.of(
                    Sandboxes.TOKEN_KEY,
                    Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
            .build();
    // An apply: it creates the Secret, or writes over one whose hash never reached the Sandbox.
    client.resource(secret).fieldManager(Children.FIELD_MANAGER).forceConflicts().serverSideApply();
    client
        .resource(sandbox)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(
                Map.of(
                    "metadata",
                    Map.of(
                        "annotations",
                        Map.of(Sandboxes.TOKEN_SHA256, Sandboxes.tokenSha256(token))))));
  }

  private static List<ChildReference> inventoryOf(Sandbox sandbox) {
    return sandbox.getStatus() == null || sandbox.getStatus().children() == null
        ? List.of()
        : sandbox.getStatus().children();
  }

  @Override
  public ErrorStatusUpdateControl<Sandbox> updateErrorStatus(
      Sandbox sandbox, Context<Sandbox> context, Exception e) {
    String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
    SandboxPlan plan =
        SandboxPlan.of(
            sandbox,
            new SandboxPlan.Blocker(Reasons.APPLY_FAILED, message),
            null,
            null,
            null,
            inventoryOf(sandbox),
            Instant.now());
    return ErrorStatusUpdateControl.patchStatus(
        StatusPatch.of(sandbox, new Sandbox(), plan.status()));
  }
}

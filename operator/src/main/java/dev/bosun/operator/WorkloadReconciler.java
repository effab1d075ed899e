package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.api.v1alpha1.ScalingEngine;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.InvalidWorkloadException;
import dev.bosun.compiler.Labels;
import dev.bosun.compiler.ScalingPlan;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps a Workload's objects equal to what the compiler makes of it with its current Tier and
 * Environment, and tells in its status how they are doing.
 *
 * <p>A Workload is meant to reach Ready in two reconciliations: the first applies its objects and
 * reports them rolling out, the second sees them ready. In between, only a child change that can
 * change the Workload's status or needs a re-apply wakes it ({@link ChildChanges}), and the objects
 * it applied are in the caches at once, not after the watch has brought them back.
 */
@ControllerConfiguration(
    name = WorkloadReconciler.NAME,
    fieldManager = Children.FIELD_MANAGER,
    // Delete events too, so that what is remembered of a Workload goes with it.
    triggerReconcilerOnAllEvents = true)
public final class WorkloadReconciler implements Reconciler<Workload> {
  public static final String NAME = "workload";

  /** The Workloads whose last apply the operator remembers (Prometheus: with {@code _}). */
  static final String REMEMBERED_METRIC = "bosun.operator.workloads.remembered";

  /**
   * How soon a Workload with a pending pod is looked at again when nothing it watches changes (a
   * claim refused by quota leaves only an Event behind).
   */
  private static final Duration NOT_READY_RECHECK = Duration.ofSeconds(20);

  private final KubernetesClient client;
  private final Children children;
  private final GpuHealthyGate gpuGate;
  private final WorkloadConditionMetrics conditionMetrics;

  /**
   * What was last applied per Workload uid, so that a status change of a child does not re-apply
   * everything. A cache: an operator that starts without it applies each Workload once.
   */
  private final Map<String, LastApply> lastApplies = new ConcurrentHashMap<>();

  private InformerEventSource<Tier, Workload> tiers;
  private InformerEventSource<Environment, Workload> environments;
  private FaultReports<Workload> gpuHealths;
  private InformerEventSource<ResourceClaim, Workload> claims;
  private InformerEventSource<HorizontalPodAutoscaler, Workload> autoscalers;

  /**
   * Set by the first reconciliation, which runs only where the leader's Lease is held: until then a
   * fault report closes no gate from this process.
   */
  private volatile boolean leading;

  /** Set once the API server serves KEDA's ScaledObject; asked again until it does. */
  private volatile boolean kedaServed;

  /**
   * @param desiredHash the compiled objects' hash
   * @param inventory what the apply left owned
   * @param anchorGeneration the Deployment's or Job's generation right after the apply: a later one
   *     means someone edited it
   */
  private record LastApply(
      int desiredHash, List<ChildReference> inventory, Long anchorGeneration) {}

  /**
   * @param metrics where the number of remembered Workloads is published ({@value
   *     #REMEMBERED_METRIC}): it follows the Workloads, since a deleted one is forgotten at once;
   *     and each Workload's Ready and Degraded ({@link WorkloadConditionMetrics})
   */
  public WorkloadReconciler(KubernetesClient client, PrometheusMeterRegistry metrics) {
    this.client = client;
    this.children = new Children(client);
    this.gpuGate = new GpuHealthyGate(client);
    metrics.gaugeMapSize(REMEMBERED_METRIC, List.of(), lastApplies);
    this.conditionMetrics = new WorkloadConditionMetrics(metrics.getPrometheusRegistry());
  }

  @Override
  public List<EventSource<?, Workload>> prepareEventSources(EventSourceContext<Workload> context) {
    var workloads = context.getPrimaryCache();
    // Children carry the Workload label; only they are cached, not every Deployment of the cluster.
    // Each cache keeps only what this class reads of its objects (CachedShapes), and each passes on
    // only the changes that matter to a Workload (ChildChanges).
    var deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::deployment))
                .withOnAddFilter(ChildChanges::created)
                .withOnUpdateFilter(ChildChanges::deployment)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Workload.class))
                .build(),
            context);
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::job))
                .withOnAddFilter(ChildChanges::created)
                .withOnUpdateFilter(ChildChanges::job)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Workload.class))
                .build(),
            context);
    // Pods are owned by ReplicaSets and Jobs; the compiler's annotation names their Workload.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::pod))
                .withOnAddFilter(ChildChanges::podAdded)
                .withOnUpdateFilter(ChildChanges::pod)
                .withSecondaryToPrimaryMapper(WorkloadReconciler::workloadOf)
                .build(),
            context);
    // The autoscalers: Bosun's HPA, or the one KEDA makes for a ScaledObject (with its labels and
    // annotations), whose status says what the signal is and whether it can be read.
    autoscalers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(HorizontalPodAutoscaler.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::autoscaler))
                .withOnAddFilter(ChildChanges::autoscalerAdded)
                .withOnUpdateFilter(ChildChanges::autoscaler)
                .withSecondaryToPrimaryMapper(WorkloadReconciler::workloadOf)
                .build(),
            context);
    // A changed Tier re-renders every Workload of that size; a changed Environment, every Workload
    // in its namespace.
    tiers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Tier.class, Workload.class)
                .withSecondaryToPrimaryMapper(
                    (Tier tier) ->
                        workloads
                            .list(
                                w ->
                                    w.getSpec() != null
                                        && tier.getMetadata().getName().equals(w.getSpec().size()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    environments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Environment.class, Workload.class)
                .withSecondaryToPrimaryMapper(
                    (Environment environment) ->
                        environment.getSpec() == null
                            ? Set.of()
                            : workloads
                                .list(environment.getSpec().namespace(), w -> true)
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                .build(),
            context);
    // A node's GPU report moves the readiness gates of the GPU pods on it (GpuHealthyGate); the
    // agent rewrites it every heartbeat, so only changes of health pass. A fault closes the gates
    // at once, without waiting for the Workloads' reconciliations (FaultReports).
    gpuHealths =
        new FaultReports<>(
            InformerEventSourceConfiguration.from(GpuNodeHealth.class, Workload.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withOnUpdateFilter(GpuGate::healthChanged)
                .withSecondaryToPrimaryMapper(
                    (GpuNodeHealth health) ->
                        gatedPodsOn(pods, health.getMetadata().getName())
                            .flatMap(pod -> workloadOf(pod).stream())
                            .collect(Collectors.toSet()))
                .build(),
            context,
            node -> {
              if (leading) {
                followGates(gatedPodsOn(pods, node).toList());
              }
            });
    // The GPU pods' claims, for which devices a pod holds when its node reports a fault: read from
    // this cache, not fetched then, because a faulty GPU's pods must leave their Services within
    // milliseconds. A claim's change itself wakes no Workload (its pod's change does).
    claims =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ResourceClaim.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::claim))
                .withGenericFilter(claim -> false)
                .withSecondaryToPrimaryMapper((ResourceClaim claim) -> Set.of())
                .build(),
            context);
    return List.of(deployments, jobs, pods, autoscalers, tiers, environments, gpuHealths, claims);
  }

  private static Stream<Pod> gatedPodsOn(InformerEventSource<Pod, Workload> pods, String node) {
    return pods.list(pod -> ChildChanges.hasGate(pod) && node.equals(pod.getSpec().getNodeName()));
  }

  private void followGates(Collection<Pod> pods) {
    gpuGate.follow(
        pods,
        node -> gpuHealths.get(new ResourceID(node)).orElse(null),
        claim -> claims.get(claim).orElse(null));
  }

  /** The Workload the compiler's annotation names on a pod or an autoscaler. */
  static Set<ResourceID> workloadOf(HasMetadata object) {
    String owner = object.getMetadata().getAnnotations().get(Labels.WORKLOAD_ANNOTATION);
    if (owner == null || !owner.contains("/")) {
      return Set.of();
    }
    int slash = owner.indexOf('/');
    return Set.of(new ResourceID(owner.substring(slash + 1), owner.substring(0, slash)));
  }

  @Override
  public UpdateControl<Workload> reconcile(Workload workload, Context<Workload> context) {
    leading = true;
    if (context.isPrimaryResourceDeleted()) {
      lastApplies.remove(workload.getMetadata().getUid());
      conditionMetrics.forget(
          workload.getMetadata().getNamespace(), workload.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    Environment environment = environmentOf(workload);
    String environmentName = environment == null ? null : environment.getMetadata().getName();
    String tierName = workload.getSpec().size();
    Tier tier = tiers.get(new ResourceID(tierName)).orElse(null);
    Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
    Job job = context.getSecondaryResource(Job.class).orElse(null);
    List<ChildReference> inventory = inventoryOf(workload);

    WorkloadObservation.Blocker blocker = null;
    ScalingPlan plan = null;
    boolean scaledObjectsServed = true;
    if (tier == null) {
      blocker =
          new WorkloadObservation.Blocker(
              Reasons.TIER_NOT_FOUND,
              "spec.size: tier \""
                  + tierName
                  + "\" does not exist; `bosun tiers` lists the tiers of this cluster");
    } else {
      try {
        List<HasMetadata> desired = Compiler.compile(workload, tier, environment);
        plan = ScalingPlan.of(workload, tier, environment).orElse(null);
        if (plan != null && plan.engine() == ScalingEngine.KEDA && !kedaServed()) {
          // Without KEDA nothing would apply a ScaledObject; the replicas stay as they are.
          scaledObjectsServed = false;
          desired = desired.stream().filter(o -> !isScaledObject(o)).toList();
        }
        Children.Applied applied = applyIfChanged(workload, desired, inventory, deployment, job);
        if (applied != null) {
          inventory = applied.inventory();
          deployment = stored(applied, Deployment.class, deployment);
          job = stored(applied, Job.class, job);
        }
      } catch (InvalidWorkloadException e) {
        // The objects of the last valid spec keep running; the status says what to fix.
        blocker = new WorkloadObservation.Blocker(Reasons.INVALID_SPEC, e.getMessage());
      }
    }

    Set<Pod> pods = context.getSecondaryResources(Pod.class);
    if (tier != null && tier.getSpec().gpu() != null) {
      followGates(pods);
    }
    WorkloadStatus status =
        WorkloadObservation.status(
                workload,
                tierName,
                environmentName,
                blocker,
                deployment,
                job,
                pods,
                this::eventsOf,
                Instant.now())
            .withChildren(inventory);
    if (plan != null) {
      status =
          ScalingStatus.apply(
              status,
              workload,
              plan,
              autoscalerOf(workload, plan, context),
              scaledObjectsServed,
              Instant.now());
    }

    record(workload, status);
    // The gates' report is another field manager's: it is neither compared nor sent.
    if (workload.getStatus() == null || !status.equals(workload.getStatus().withoutGates())) {
      StatusPatch.apply(workload, new Workload(), status, context);
    }
    UpdateControl<Workload> control = UpdateControl.noUpdate();
    return needsRecheck(status, pods) ? control.rescheduleAfter(NOT_READY_RECHECK) : control;
  }

  /**
   * Only a pending pod can be waiting on something no watch reports: a claim refused by quota
   * leaves only an Event on the pod. Such pods need a claim, so they have the GPU readiness gate,
   * and their arrival wakes the Workload ({@link ChildChanges#podAdded}); a pod that cannot be
   * created at all shows in its Deployment's status. Running, ready or finished pods change through
   * the watches, so nothing polls once things are steady.
   */
  private static boolean needsRecheck(WorkloadStatus status, Set<Pod> pods) {
    return !Conditions.isTrue(status.conditions(), ConditionTypes.READY)
        && pods.stream().anyMatch(WorkloadObservation::isPending);
  }

  private static boolean isScaledObject(HasMetadata object) {
    return Scaling.SCALED_OBJECT_KIND.equals(object.getKind());
  }

  /** Whether the API server serves KEDA's ScaledObject; remembered once it does. */
  private boolean kedaServed() {
    if (!kedaServed) {
      var resources = client.getApiResources(Scaling.KEDA_API_VERSION);
      kedaServed =
          resources != null
              && resources.getResources().stream()
                  .anyMatch(r -> Scaling.SCALED_OBJECT_KIND.equals(r.getKind()));
    }
    return kedaServed;
  }

  /** The HPA that scales the Workload: Bosun's own, or KEDA's for its ScaledObject. */
  private static HorizontalPodAutoscaler autoscalerOf(
      Workload workload, ScalingPlan plan, Context<Workload> context) {
    String name = Compiler.autoscalerName(workload);
    String expected = plan.engine() == ScalingEngine.KEDA ? Scaling.KEDA_HPA_PREFIX + name : name;
    return context.getSecondaryResources(HorizontalPodAutoscaler.class).stream()
        .filter(hpa -> expected.equals(hpa.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The Environment whose namespace holds the Workload; by name when several claim it. A Workload
   * seen for the first time in a namespace the cache knows no Environment of is checked against the
   * API server: an Environment applied a moment before it (as GitOps does) may not have reached the
   * cache, and its policy must hold before anything is created, not after.
   */
  private Environment environmentOf(Workload workload) {
    String namespace = workload.getMetadata().getNamespace();
    Environment cached = governing(environments.list(), namespace);
    if (cached != null || workload.getStatus() != null) {
      return cached;
    }
    return governing(client.resources(Environment.class).list().getItems().stream(), namespace);
  }

  private static Environment governing(Stream<Environment> candidates, String namespace) {
    return candidates
        .filter(e -> e.getSpec() != null && namespace.equals(e.getSpec().namespace()))
        .min(Comparator.comparing(e -> e.getMetadata().getName()))
        .orElse(null);
  }

  /**
   * What this operator last applied for the Workload, or else what its status says was: after an
   * operator start, pruning works from the inventory the Workload itself keeps.
   */
  private List<ChildReference> inventoryOf(Workload workload) {
    LastApply last = lastApplies.get(workload.getMetadata().getUid());
    if (last != null) {
      return last.inventory();
    }
    return workload.getStatus() == null || workload.getStatus().children() == null
        ? List.of()
        : workload.getStatus().children();
  }

  /**
   * Applies the compiled objects and prunes what they no longer include, unless exactly these were
   * applied already and the Deployment or Job has not been edited since (its generation moves with
   * every spec change, a hand edit included).
   *
   * @return what was applied, or null when nothing was
   */
  private Children.Applied applyIfChanged(
      Workload workload,
      List<HasMetadata> desired,
      List<ChildReference> inventory,
      Deployment deployment,
      Job job) {
    String uid = workload.getMetadata().getUid();
    int hash = Serialization.asJson(desired).hashCode();
    HasMetadata anchor = deployment != null ? deployment : job;
    LastApply last = lastApplies.get(uid);
    if (last != null
        && last.desiredHash() == hash
        && anchor != null
        && Objects.equals(last.anchorGeneration(), anchor.getMetadata().getGeneration())) {
      return null;
    }
    Children.Applied applied = children.reconcile(workload, desired, inventory);
    HasMetadata storedAnchor =
        applied.stored().stream()
            .filter(o -> o instanceof Deployment || o instanceof Job)
            .findFirst()
            .orElse(null);
    lastApplies.put(
        uid,
        new LastApply(
            hash,
            applied.inventory(),
            storedAnchor == null ? null : storedAnchor.getMetadata().getGeneration()));
    return applied;
  }

  private static <R> R stored(Children.Applied applied, Class<R> kind, R otherwise) {
    return applied.stored().stream()
        .filter(kind::isInstance)
        .map(kind::cast)
        .findFirst()
        .orElse(otherwise);
  }

  private List<Event> eventsOf(Pod pod) {
    return client
        .v1()
        .events()
        .inNamespace(pod.getMetadata().getNamespace())
        .withField("involvedObject.name", pod.getMetadata().getName())
        .list()
        .getItems();
  }

  @Override
  public ErrorStatusUpdateControl<Workload> updateErrorStatus(
      Workload workload, Context<Workload> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    var blocker = new WorkloadObservation.Blocker(Reasons.APPLY_FAILED, message);
    WorkloadStatus status =
        WorkloadObservation.status(
                workload,
                workload.getSpec().size(),
                workload.getStatus() == null ? null : workload.getStatus().environment(),
                blocker,
                null,
                null,
                List.of(),
                pod -> List.of(),
                Instant.now())
            // Every status apply carries the inventory: one without it would drop it.
            .withChildren(inventoryOf(workload));
    record(workload, status);
    return ErrorStatusUpdateControl.patchStatus(StatusPatch.of(workload, new Workload(), status));
  }

  private void record(Workload workload, WorkloadStatus status) {
    conditionMetrics.record(
        workload.getMetadata().getNamespace(), workload.getMetadata().getName(), status);
  }
}

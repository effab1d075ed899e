package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.InvalidWorkloadException;
import dev.bosun.compiler.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Keeps a Workload's objects equal to what the compiler makes of it with its current Tier and
 * Environment, and tells in its status how they are doing.
 */
@ControllerConfiguration(name = WorkloadReconciler.NAME, fieldManager = Children.FIELD_MANAGER)
public final class WorkloadReconciler implements Reconciler<Workload> {
  public static final String NAME = "workload";

  /**
   * How soon a Workload with a pending pod is looked at again when nothing it watches changes
   * (quota Events).
   */
  private static final Duration NOT_READY_RECHECK = Duration.ofSeconds(20);

  private final KubernetesClient client;
  private final Children children;
  private final GpuHealthyGate gpuGate;

  /**
   * What was last applied per Workload uid, so that a status change of a child does not re-apply
   * everything.
   */
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();

  private IndexerResourceCache<Workload> workloads;
  private final AtomicLong applies = new AtomicLong();
  private InformerEventSource<Tier, Workload> tiers;
  private InformerEventSource<Environment, Workload> environments;

  private record Applied(int desiredHash, Set<String> keys, Long childGeneration) {}

  public WorkloadReconciler(KubernetesClient client) {
    this.client = client;
    this.children = new Children(client);
    this.gpuGate = new GpuHealthyGate(client);
  }

  @Override
  public List<EventSource<?, Workload>> prepareEventSources(EventSourceContext<Workload> context) {
    var workloads = context.getPrimaryCache();
    this.workloads = workloads;
    // Children carry the Workload label; only they are cached, not every Deployment of the cluster.
    // Each cache keeps only what this class reads of its objects (CachedShapes).
    var deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::deployment))
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Workload.class))
                .build(),
            context);
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::job))
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Workload.class))
                .build(),
            context);
    // Pods are owned by ReplicaSets and Jobs; the compiler's annotation names their Workload.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, Workload.class)
                .withLabelSelector(Labels.WORKLOAD)
                .withItemStore(CachedShapes.store(CachedShapes::pod))
                .withSecondaryToPrimaryMapper(WorkloadReconciler::workloadOfPod)
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
    return List.of(deployments, jobs, pods, tiers, environments);
  }

  static Set<ResourceID> workloadOfPod(Pod pod) {
    String owner = pod.getMetadata().getAnnotations().get(Labels.WORKLOAD_ANNOTATION);
    if (owner == null || !owner.contains("/")) {
      return Set.of();
    }
    int slash = owner.indexOf('/');
    return Set.of(new ResourceID(owner.substring(slash + 1), owner.substring(0, slash)));
  }

  @Override
  public UpdateControl<Workload> reconcile(Workload workload, Context<Workload> context) {
    String namespace = workload.getMetadata().getNamespace();
    Environment environment =
        environments
            .list(e -> e.getSpec() != null && namespace.equals(e.getSpec().namespace()))
            .min(Comparator.comparing(e -> e.getMetadata().getName()))
            .orElse(null);
    String environmentName = environment == null ? null : environment.getMetadata().getName();
    String tierName = workload.getSpec().size();
    Tier tier = tiers.get(new ResourceID(tierName)).orElse(null);

    WorkloadObservation.Blocker blocker = null;
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
        applyIfChanged(workload, desired, context);
      } catch (InvalidWorkloadException e) {
        // The objects of the last valid spec keep running; the status says what to fix.
        blocker = new WorkloadObservation.Blocker(Reasons.INVALID_SPEC, e.getMessage());
      }
    }

    Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
    Job job = context.getSecondaryResource(Job.class).orElse(null);
    Set<Pod> pods = context.getSecondaryResources(Pod.class);
    if (tier != null && tier.getSpec().gpu() != null) {
      gpuGate.open(pods);
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
            Instant.now());

    UpdateControl<Workload> control =
        Objects.equals(status, workload.getStatus())
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(withStatus(workload, status));
    // Only a pending pod can be waiting on something no watch reports (a quota Event); running,
    // ready or finished pods change through the watches, so nothing polls once things are steady.
    boolean podPending =
        pods.stream()
            .anyMatch(p -> p.getStatus() == null || "Pending".equals(p.getStatus().getPhase()));
    boolean ready = Conditions.isTrue(status.conditions(), ConditionTypes.READY);
    return podPending && !ready ? control.rescheduleAfter(NOT_READY_RECHECK) : control;
  }

  /**
   * Applies the compiled objects unless exactly these were applied already and the Deployment or
   * Job has not been edited since (its generation moves with every spec change, a hand edit
   * included). Prunes (a list per child kind) when an object was dropped from the set, and once
   * after every operator start, unless the Workload is new: no status yet and no Deployment or Job.
   */
  private void applyIfChanged(
      Workload workload, List<HasMetadata> desired, Context<Workload> context) {
    String uid = workload.getMetadata().getUid();
    int hash = Serialization.asJson(desired).hashCode();
    HasMetadata child =
        context
            .getSecondaryResource(Deployment.class)
            .map(HasMetadata.class::cast)
            .or(() -> context.getSecondaryResource(Job.class))
            .orElse(null);
    Applied last = applied.get(uid);
    if (last != null
        && last.desiredHash() == hash
        && child != null
        && Objects.equals(last.childGeneration(), child.getMetadata().getGeneration())) {
      return;
    }
    List<HasMetadata> stored = children.apply(workload, desired);
    Set<String> keys = desired.stream().map(ChildKinds::key).collect(Collectors.toSet());
    boolean mayHaveStaleChildren =
        last == null
            ? workload.getStatus() != null || child != null
            : !keys.containsAll(last.keys());
    if (mayHaveStaleChildren) {
      children.prune(workload, desired);
    }
    Long generation =
        stored.stream()
            .filter(o -> o instanceof Deployment || o instanceof Job)
            .findFirst()
            .map(o -> o.getMetadata().getGeneration())
            .orElse(null);
    applied.put(uid, new Applied(hash, keys, generation));
    forgetDeletedWorkloads();
  }

  /**
   * Deleted Workloads are never reconciled again; now and then, drop what was remembered of them.
   */
  private void forgetDeletedWorkloads() {
    if (workloads != null && applies.incrementAndGet() % 1000 == 0) {
      Set<String> live =
          workloads.list().map(w -> w.getMetadata().getUid()).collect(Collectors.toSet());
      applied.keySet().retainAll(live);
    }
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
            Instant.now());
    return ErrorStatusUpdateControl.patchStatus(withStatus(workload, status));
  }

  /** Only name, namespace and status: a server-side apply of the status owns nothing else. */
  private static Workload withStatus(Workload workload, WorkloadStatus status) {
    var fresh = new Workload();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(workload.getMetadata().getName())
            .withNamespace(workload.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}

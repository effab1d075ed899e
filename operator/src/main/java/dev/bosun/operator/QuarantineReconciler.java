package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.QuarantineEffect;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the {@link QuarantinePlan} of the GpuHealthPolicy {@code default}: writes the GPUs'
 * DeviceTaintRules and the nodes' taints, reports every action and refusal as an Event on the Node
 * and in {@value #ACTIONS_METRIC}, and writes the policy's status. A node agent's report wakes it
 * at once (every GpuNodeHealth, rule and quarantined Node maps to the policy); it is woken by time
 * only when a release falls due.
 *
 * <p>A report of a new fault also starts a <em>prompt quarantine</em> at once, beside the
 * reconciliation it wakes: the same plan over the same caches, of which only the quarantines are
 * carried out. One policy means one reconciliation at a time, and a fault must not wait behind
 * another GPU's release, Events and status write. Plans are made and their quarantines carried out
 * under one lock, so the breaker's budget is never spent twice; the prompt path stands aside (and
 * leaves the fault to the reconciliation) whenever the breaker is open or refuses anything, and
 * until this process has reconciled once (it then holds the leader's Lease).
 */
@ControllerConfiguration(
    name = QuarantineReconciler.NAME,
    fieldManager = Children.FIELD_MANAGER,
    // A reset of the breaker is an annotation, which moves no generation.
    generationAwareEventProcessing = false)
public final class QuarantineReconciler implements Reconciler<GpuHealthPolicy> {
  static final String NAME = "gpu-quarantine";
  static final String ACTIONS_METRIC = "bosun.gpu.quarantine.actions";
  static final String QUARANTINED_METRIC = "bosun.gpu.quarantined";
  static final String BREAKER_METRIC = "bosun.gpu.breaker.tripped";
  static final ResourceDefinitionContext RULES =
      new ResourceDefinitionContext.Builder()
          .withGroup("resource.k8s.io")
          .withVersion("v1beta2")
          .withKind(GpuQuarantine.RULE_KIND)
          .withPlural("devicetaintrules")
          .withNamespaced(false)
          .build();
  private static final ResourceID POLICY = new ResourceID(GpuHealthPolicy.DEFAULT);
  private static final int REMEMBERED = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(QuarantineReconciler.class);

  private final KubernetesClient client;
  private final boolean deviceTaints;
  private final MeterRegistry metrics;
  private final AtomicInteger quarantined = new AtomicInteger();
  private final AtomicInteger breakerTripped = new AtomicInteger();

  /**
   * The names of the Events this process created or found there, the last {@value #REMEMBERED}: an
   * action planned at every reconciliation (a refusal while the breaker is open) is sent once, not
   * once per reconciliation. The prompt path reports its quarantines beside the reconciliation.
   */
  private final Map<String, Boolean> reported = Remembered.atMost(REMEMBERED);

  /** Held while a plan is made and its quarantines are carried out. */
  private final ReentrantLock planning = new ReentrantLock();

  /**
   * Whether the last reconciliation's plan left the breaker closed and refused nothing: only then
   * may a prompt quarantine act. A plan of the prompt path never sets it: it may read a policy
   * whose status does not show yet what the reconciliation found.
   */
  private volatile boolean breakerClosed;

  /** Whether a prompt run waits for the lock: it will plan for the reports that come meanwhile. */
  private final AtomicBoolean promptQueued = new AtomicBoolean();

  private IndexerResourceCache<GpuHealthPolicy> policies;
  private FaultReports<GpuHealthPolicy> healths;
  private InformerEventSource<GenericKubernetesResource, GpuHealthPolicy> rules;
  private InformerEventSource<Node, GpuHealthPolicy> nodes;

  /**
   * @param deviceTaints whether the cluster serves DeviceTaintRules ({@link #RULES}); where it does
   *     not, GPUs are quarantined by tainting their nodes
   */
  public QuarantineReconciler(
      KubernetesClient client, boolean deviceTaints, MeterRegistry metrics) {
    this.client = client;
    this.deviceTaints = deviceTaints;
    this.metrics = metrics;
    metrics.gauge(QUARANTINED_METRIC, quarantined);
    // 1 while the policy's BreakerTripped is True: quarantining has stopped until a person resets.
    metrics.gauge(BREAKER_METRIC, breakerTripped);
  }

  @Override
  public List<EventSource<?, GpuHealthPolicy>> prepareEventSources(
      EventSourceContext<GpuHealthPolicy> context) {
    policies = context.getPrimaryCache();
    healths =
        new FaultReports<>(
            InformerEventSourceConfiguration.from(GpuNodeHealth.class, GpuHealthPolicy.class)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withOnUpdateFilter(QuarantineReconciler::healthChanged)
                .withSecondaryToPrimaryMapper(h -> Set.of(POLICY))
                .build(),
            context,
            node -> quarantinePromptly());
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, GpuHealthPolicy.class)
                .withLabelSelector(GpuQuarantine.QUARANTINED_LABEL)
                .withItemStore(CachedShapes.store(CachedShapes::withoutManagedFields))
                .withSecondaryToPrimaryMapper(n -> Set.of(POLICY))
                .build(),
            context);
    if (!deviceTaints) {
      return List.of(healths, nodes);
    }
    rules =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(
                    new GroupVersionKind(
                        RULES.getGroup(), RULES.getVersion(), GpuQuarantine.RULE_KIND),
                    GpuHealthPolicy.class)
                .withLabelSelector(GpuQuarantine.MANAGED_BY + "=" + GpuQuarantine.MANAGER)
                .withSecondaryToPrimaryMapper(r -> Set.of(POLICY))
                .build(),
            context);
    return List.of(healths, rules, nodes);
  }

  /**
   * The agent rewrites its report every heartbeat; only a change of what the plan reads passes: the
   * node's condition, a GPU's health or presence or since, a new fault.
   */
  static boolean healthChanged(GpuNodeHealth now, GpuNodeHealth before) {
    return !Objects.equals(view(now), view(before));
  }

  private record GpuView(
      Integer index,
      GpuHealthStatus health,
      Boolean present,
      String since,
      List<GpuFault> faults) {}

  private record HealthView(
      List<Condition> conditions, List<GpuView> gpus, List<GpuFault> faults) {}

  private static HealthView view(GpuNodeHealth health) {
    var status = health.getStatus();
    return status == null
        ? null
        : new HealthView(
            status.conditions(),
            Objects.requireNonNullElse(status.gpus(), List.<GpuDeviceHealth>of()).stream()
                .map(
                    g ->
                        new GpuView(
                            g.index(), g.health(), g.present(), g.since(), g.recentFaults()))
                .toList(),
            status.nodeFaults());
  }

  @Override
  public UpdateControl<GpuHealthPolicy> reconcile(
      GpuHealthPolicy policy, Context<GpuHealthPolicy> context) {
    if (!GpuHealthPolicy.DEFAULT.equals(policy.getMetadata().getName())) {
      return UpdateControl.noUpdate(); // the agents and the operator follow the default only
    }
    Instant now = Instant.now();
    QuarantineEffect effect = QuarantinePolicy.of(policy.getSpec()).effect();
    // Taking a faulty GPU out is what the latency budget is for: every quarantine first, then the
    // releases and re-taints, and the Events last.
    QuarantinePlan.Result plan;
    List<QuarantinePlan.Action> urgent;
    planning.lock();
    try {
      plan = plan(policy, now);
      breakerClosed = plan.of(QuarantinePlan.Kind.REFUSE).isEmpty() && !tripped(plan);
      urgent = quarantines(plan);
      urgent.forEach(action -> carryOut(action, effect, now));
    } finally {
      planning.unlock();
    }
    List<QuarantinePlan.Action> rest =
        plan.actions().stream().filter(action -> !action.kind().quarantines()).toList();
    rest.forEach(action -> carryOut(action, effect, now));
    urgent.forEach(this::report);
    rest.forEach(this::report);
    quarantined.set(plan.status().quarantined());
    breakerTripped.set(tripped(plan) ? 1 : 0);
    UpdateControl<GpuHealthPolicy> control =
        StatusPatch.applyIfChanged(policy, new GpuHealthPolicy(), plan.status(), context);
    Optional<Duration> wait = plan.wakeAt().map(at -> Duration.between(now, at));
    // A millisecond past the due time, so that the plan then finds it due.
    return wait.map(w -> control.rescheduleAfter(w.plusMillis(1))).orElse(control);
  }

  /**
   * The plan over what the caches hold now: every node's report and every quarantine held,
   * including those this process wrote that the watch has not brought back yet (which a secondary
   * resource lookup returns and a plain list of the informer's cache does not).
   */
  private QuarantinePlan.Result plan(GpuHealthPolicy policy, Instant now) {
    List<Quarantine> existing =
        Stream.concat(
                deviceTaints
                    ? rules.getSecondaryResources(policy).stream()
                        .flatMap(r -> QuarantineObjects.fromRule(r).stream())
                    : Stream.of(),
                nodes.getSecondaryResources(policy).stream()
                    .flatMap(n -> QuarantineObjects.fromNode(n).stream()))
            .toList();
    return QuarantinePlan.plan(
        policy, deviceTaints, healths.getSecondaryResources(policy), existing, now);
  }

  private static List<QuarantinePlan.Action> quarantines(QuarantinePlan.Result plan) {
    return plan.actions().stream().filter(action -> action.kind().quarantines()).toList();
  }

  private static boolean tripped(QuarantinePlan.Result plan) {
    return Conditions.isTrue(plan.status().conditions(), ConditionTypes.BREAKER_TRIPPED);
  }

  /**
   * Plans and carries out the quarantines that new reports ask for, and reports them; reports that
   * come while one such run waits for the lock are planned by it. Stands aside whenever the breaker
   * has anything to say: the reconciliation then reports the refusal and opens it.
   */
  private void quarantinePromptly() {
    if (!breakerClosed || !promptQueued.compareAndSet(false, true)) {
      return;
    }
    List<QuarantinePlan.Action> done = List.of();
    planning.lock();
    try {
      promptQueued.set(false);
      GpuHealthPolicy policy = policies.get(POLICY).orElse(null);
      Instant now = Instant.now();
      QuarantinePlan.Result plan = policy == null ? null : plan(policy, now);
      if (breakerClosed
          && plan != null
          && plan.of(QuarantinePlan.Kind.REFUSE).isEmpty()
          && !tripped(plan)) {
        QuarantineEffect effect = QuarantinePolicy.of(policy.getSpec()).effect();
        done = quarantines(plan);
        done.forEach(action -> carryOut(action, effect, now));
      }
    } finally {
      planning.unlock();
    }
    done.forEach(this::report);
  }

  private void carryOut(QuarantinePlan.Action action, QuarantineEffect effect, Instant now) {
    switch (action.kind()) {
      case QUARANTINE_GPU, QUARANTINE_NODE ->
          put(new Quarantine(action.node(), action.device(), action.faultClass(), effect, now));
      // The anchor of a re-taint is the quarantine's start, which it keeps.
      case RETAINT ->
          put(
              new Quarantine(
                  action.node(), action.device(), action.faultClass(), effect, action.anchor()));
      case RELEASE -> {
        if (action.device() == null) {
          patchNode(action.node(), null);
        } else {
          client
              .genericKubernetesResources(RULES)
              .withName(GpuQuarantine.ruleName(action.node(), action.device()))
              .delete();
        }
      }
      case REFUSE, DRY_RUN, REPORT -> {} // reported, nothing done
    }
  }

  private void put(Quarantine quarantine) {
    if (quarantine.isNode()) {
      patchNode(quarantine.node(), quarantine);
      return;
    }
    var rule =
        client
            .genericKubernetesResources(RULES)
            .resource(QuarantineObjects.rule(quarantine))
            .fieldManager(Children.FIELD_MANAGER)
            .forceConflicts()
            .serverSideApply();
    // The next reconciliation may come before the watch brings the rule back.
    rules.handleRecentResourceCreate(ResourceID.fromResource(rule), rule);
  }

  private void patchNode(String name, Quarantine quarantine) {
    Node node = client.nodes().withName(name).get();
    if (node == null) {
      return; // gone: nothing left to quarantine or release
    }
    Node patched =
        client
            .nodes()
            .withName(name)
            .patch(
                PatchContext.of(PatchType.JSON),
                Serialization.asJson(QuarantineObjects.nodePatch(node, quarantine)));
    if (quarantine != null) {
      nodes.handleRecentResourceCreate(ResourceID.fromResource(patched), patched);
    }
  }

  /**
   * An Event on the Node and a count in the metric, once per action: the Event's name is the
   * action's, so one planned again finds its Event there and is not counted twice.
   */
  private void report(QuarantinePlan.Action action) {
    String name = QuarantineObjects.eventName(action);
    if (reported.put(name, true) != null) {
      return;
    }
    String now = Instant.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(action.node())
            // As the kubelet does: a Node's Events carry its name as UID.
            .withUid(action.node())
            .endInvolvedObject()
            .withReason(action.kind().reason)
            .withMessage(action.message())
            .withType(
                switch (action.kind()) {
                  case QUARANTINE_GPU, QUARANTINE_NODE, RETAINT, REFUSE -> "Warning";
                  case RELEASE, DRY_RUN, REPORT -> "Normal";
                })
            .withNewSource()
            .withComponent("bosun-operator")
            .endSource()
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace("default").resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return; // reported already, by an earlier operator
      }
      reported.remove(name);
      throw e;
    }
    Counter.builder(ACTIONS_METRIC)
        .description("GPU quarantine actions and refusals, by Event reason and fault class")
        .tag("action", action.kind().reason)
        .tag("reason", action.faultClass())
        .register(metrics)
        .increment();
  }
}

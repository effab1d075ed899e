package dev.bosun.operator;

import dev.bosun.api.v1alpha1.BreakerScope;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuFaultClass;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthPolicyStatus;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.QuarantineAction;
import dev.bosun.api.v1alpha1.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the cluster does about the GPU faults its node agents report, under the GpuHealthPolicy:
 * which GPUs and nodes to quarantine or give back, which quarantines the circuit breaker refuses,
 * and the policy's status. Everything it needs is an argument, and the quarantines that exist are
 * read back from the API server, so a restarted operator plans what it would have planned. Pure.
 */
final class QuarantinePlan {
  private QuarantinePlan() {}

  /** What one action does, the Event reason that reports it, and its metric's action label. */
  enum Kind {
    QUARANTINE_GPU(GpuQuarantine.GPU_QUARANTINED),
    QUARANTINE_NODE(GpuQuarantine.NODE_QUARANTINED),
    /** A quarantine held under another effect than the policy's now is set to the policy's. */
    RETAINT(GpuQuarantine.QUARANTINE_EFFECT_CHANGED),
    RELEASE(GpuQuarantine.QUARANTINE_RELEASED),
    REFUSE(GpuQuarantine.REFUSED_BREAKER_OPEN),
    DRY_RUN(GpuQuarantine.DRY_RUN),
    REPORT(GpuQuarantine.FAULT_REPORTED);

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }

    /** Whether it takes a GPU or a node out of service. */
    boolean quarantines() {
      return this == QUARANTINE_GPU || this == QUARANTINE_NODE;
    }
  }

  /**
   * One thing to do or to report, about a node.
   *
   * @param device the GPU's DRA device, or null for the node
   * @param faultClass the fault class, the taint's value
   * @param anchor the time that makes this action one and the same across reconciliations (the
   *     fault's, or for a release the quarantine's start): it names the Event, so an action planned
   *     again (a refusal while the breaker is open, a restart before the cache caught up) is
   *     reported once
   */
  record Action(
      Kind kind, String node, String device, String faultClass, Instant anchor, String message) {}

  /**
   * @param wakeAt when a pending release falls due, if one does: nothing else moves with time alone
   */
  record Result(List<Action> actions, GpuHealthPolicyStatus status, Optional<Instant> wakeAt) {
    List<Action> of(Kind kind) {
      return actions.stream().filter(a -> a.kind() == kind).toList();
    }
  }

  /** Something a node's report asks for: a GPU or the node out of service, or a report. */
  private record Need(
      String node, String device, GpuFaultClass faultClass, QuarantineAction action, Instant at) {}

  private static final Comparator<Need> OLDEST_FIRST =
      Comparator.comparing(Need::at)
          .thenComparing(Need::node)
          .thenComparing(n -> Objects.requireNonNullElse(n.device(), ""));

  /**
   * @param policy the GpuHealthPolicy, or null when there is none (its defaults then apply)
   * @param deviceTaints whether the cluster serves DeviceTaintRules; where it does not, a GPU is
   *     quarantined by tainting its node
   * @param healths every node's GpuNodeHealth
   * @param existing every quarantine Bosun holds now
   */
  static Result plan(
      GpuHealthPolicy policy,
      boolean deviceTaints,
      Collection<GpuNodeHealth> healths,
      Collection<Quarantine> existing,
      Instant now) {
    QuarantinePolicy spec = QuarantinePolicy.of(policy == null ? null : policy.getSpec());
    QuarantinePolicy rules = deviceTaints ? spec : spec.withoutDeviceTaints();
    Map<String, GpuNodeHealth> byNode =
        healths.stream()
            .collect(
                Collectors.toMap(h -> h.getMetadata().getName(), Function.identity(), (a, b) -> a));
    List<Need> needs = needs(rules, healths);
    var actions = new ArrayList<Action>();
    needs.stream()
        .filter(n -> n.action() == QuarantineAction.Report)
        .map(n -> action(Kind.REPORT, n, "the policy only reports faults of class " + name(n)))
        .forEach(actions::add);

    // Give back what has stayed healthy long enough.
    Set<String> nodesInNeed =
        needs.stream()
            .filter(n -> n.action() == QuarantineAction.QuarantineNode)
            .map(Need::node)
            .collect(Collectors.toSet());
    var released = new ArrayList<Quarantine>();
    Instant wakeAt = null;
    for (Quarantine held : existing) {
      Optional<Instant> due = releaseAt(rules, held, byNode.get(held.node()), nodesInNeed);
      if (due.isEmpty()) {
        continue;
      }
      if (due.get().isAfter(now)) {
        wakeAt = wakeAt == null || due.get().isBefore(wakeAt) ? due.get() : wakeAt;
        continue;
      }
      released.add(held);
      actions.add(
          new Action(
              rules.dryRun() ? Kind.DRY_RUN : Kind.RELEASE,
              held.node(),
              held.device(),
              held.faultClass(),
              Objects.requireNonNullElse(held.since(), Instant.EPOCH),
              (rules.dryRun() ? "would release " : "released ")
                  + describe(held.node(), held.device())
                  + ": healthy for the recovery delay of "
                  + rules.delay().toSeconds()
                  + "s"));
    }

    // What stays quarantined takes the policy's effect (NoSchedule to NoExecute, once the
    // quarantines were seen to be right, moves the pods off them).
    for (Quarantine held : existing) {
      if (!released.contains(held) && held.effect() != rules.effect()) {
        actions.add(
            new Action(
                rules.dryRun() ? Kind.DRY_RUN : Kind.RETAINT,
                held.node(),
                held.device(),
                held.faultClass(),
                Objects.requireNonNullElse(held.since(), Instant.EPOCH),
                (rules.dryRun() ? "would set " : "set ")
                    + "the effect of the quarantine of "
                    + describe(held.node(), held.device())
                    + " to "
                    + rules.effect()));
      }
    }

    // Quarantine what is newly faulty, oldest fault first, within the breaker's budget.
    Set<String> heldKeys =
        existing.stream().map(q -> key(q.node(), q.device())).collect(Collectors.toSet());
    List<Need> candidates =
        needs.stream()
            .filter(n -> n.action() != QuarantineAction.Report)
            .filter(n -> !heldKeys.contains(key(n.node(), n.device())))
            .sorted(OLDEST_FIRST)
            .toList();
    Breaker breaker = Breaker.of(policy, rules, healths, existing, now);
    var kept = new ArrayList<Quarantine>(existing);
    if (!rules.dryRun()) {
      kept.removeAll(released);
    }
    for (Need need : candidates) {
      Quarantine quarantine =
          new Quarantine(
              need.node(),
              need.device(),
              name(need),
              rules.effect(),
              rules.dryRun() ? need.at() : now);
      String what = describe(need.node(), need.device());
      if (rules.dryRun()) {
        actions.add(
            action(Kind.DRY_RUN, need, "would quarantine " + what + " (" + name(need) + ")"));
        kept.add(quarantine);
        continue;
      }
      Optional<String> refusal = breaker.admit(quarantine, need, what);
      if (refusal.isPresent()) {
        actions.add(action(Kind.REFUSE, need, refusal.get()));
        continue;
      }
      kept.add(quarantine);
      actions.add(
          action(
              need.device() == null ? Kind.QUARANTINE_NODE : Kind.QUARANTINE_GPU,
              need,
              "quarantined " + what + " (" + name(need) + ", " + rules.effect() + ")"));
    }
    return new Result(
        List.copyOf(actions),
        breaker.status(policy, units(rules.scope(), kept, byNode).size(), now),
        Optional.ofNullable(wakeAt));
  }

  private static Action action(Kind kind, Need need, String message) {
    return new Action(kind, need.node(), need.device(), name(need), need.at(), message);
  }

  private static String name(Need need) {
    return need.faultClass().name().toLowerCase(Locale.ROOT);
  }

  private static String describe(String node, String device) {
    return device == null ? "node " + node : device + " of " + node;
  }

  private static String key(String node, String device) {
    return node + "/" + Objects.requireNonNullElse(device, "");
  }

  /** What every report asks for; a node-level need once per node, at its oldest fault. */
  private static List<Need> needs(QuarantinePolicy rules, Collection<GpuNodeHealth> healths) {
    var needs = new ArrayList<Need>();
    for (GpuNodeHealth health : healths) {
      if (health.getStatus() == null) {
        continue;
      }
      String node = health.getMetadata().getName();
      var nodeNeeds = new ArrayList<Need>();
      for (GpuDeviceHealth gpu : gpus(health)) {
        if (!unusable(gpu)) {
          continue;
        }
        Instant since = instant(gpu.since()).orElse(Instant.EPOCH);
        // The faults since the GPU turned unhealthy made it so; the gravest decides.
        List<GpuFault> causes =
            faults(gpu.recentFaults()).stream()
                .filter(f -> !instant(f.at()).orElse(Instant.EPOCH).isBefore(since))
                .toList();
        GpuFaultClass faultClass =
            gravest(rules, causes.isEmpty() ? faults(gpu.recentFaults()) : causes)
                .orElse(GpuFaultClass.GPU);
        QuarantineAction action = rules.responseTo(faultClass);
        Need need =
            new Need(
                node,
                action == QuarantineAction.QuarantineNode ? null : device(gpu),
                faultClass,
                action,
                since);
        (need.device() == null ? nodeNeeds : needs).add(need);
      }
      if (nodeCondition(health).filter(c -> "False".equals(c.status())).isPresent()) {
        for (GpuFault fault : faults(health.getStatus().nodeFaults())) {
          GpuFaultClass faultClass = faultClass(fault);
          if (rules.responseTo(faultClass) == QuarantineAction.QuarantineNode) {
            nodeNeeds.add(
                new Need(
                    node,
                    null,
                    faultClass,
                    QuarantineAction.QuarantineNode,
                    instant(fault.at()).orElse(Instant.EPOCH)));
          }
        }
      }
      nodeNeeds.stream().min(OLDEST_FIRST).ifPresent(needs::add);
    }
    return needs;
  }

  /** The class whose response takes out the most: a node before a GPU before a report. */
  private static Optional<GpuFaultClass> gravest(QuarantinePolicy rules, List<GpuFault> faults) {
    return faults.stream()
        .map(QuarantinePlan::faultClass)
        .max(Comparator.comparing(c -> reach(rules.responseTo(c))));
  }

  private static int reach(QuarantineAction action) {
    return switch (action) {
      case Report -> 0;
      case QuarantineGpu -> 1;
      case QuarantineNode -> 2;
    };
  }

  /**
   * When a quarantine may be lifted: the recovery delay after its GPU (or node) turned healthy, and
   * for one that faulted again within the flap window, not before that window has passed since its
   * last fault, so that it stays out rather than going back and forth. Empty while it may not be
   * lifted at all (still faulty, or its health unknown).
   */
  private static Optional<Instant> releaseAt(
      QuarantinePolicy rules, Quarantine held, GpuNodeHealth health, Set<String> nodesInNeed) {
    if (health == null) {
      return Optional.of(Instant.EPOCH); // the node and its report are gone
    }
    if (health.getStatus() == null) {
      return Optional.empty();
    }
    Optional<Instant> healthySince;
    List<GpuFault> history;
    if (held.isNode()) {
      if (nodesInNeed.contains(held.node())) {
        return Optional.empty();
      }
      healthySince =
          nodeCondition(health)
              .filter(c -> "True".equals(c.status()))
              .flatMap(c -> instant(c.lastTransitionTime()));
      history =
          Stream.concat(
                  faults(health.getStatus().nodeFaults()).stream(),
                  gpus(health).stream().flatMap(g -> faults(g.recentFaults()).stream()))
              .filter(f -> rules.responseTo(faultClass(f)) == QuarantineAction.QuarantineNode)
              .toList();
    } else {
      Optional<GpuDeviceHealth> gpu =
          gpus(health).stream().filter(g -> held.device().equals(device(g))).findFirst();
      if (gpu.isEmpty() || unusable(gpu.get())) {
        return Optional.empty();
      }
      healthySince = instant(gpu.get().since());
      history =
          faults(gpu.get().recentFaults()).stream()
              .filter(f -> rules.responseTo(faultClass(f)) != QuarantineAction.Report)
              .toList();
    }
    if (healthySince.isEmpty()) {
      return Optional.empty();
    }
    Instant due = healthySince.get().plus(rules.delay());
    List<Instant> times = history.stream().flatMap(f -> instant(f.at()).stream()).sorted().toList();
    if (times.size() >= 2) {
      Instant last = times.getLast();
      Instant previous = times.get(times.size() - 2);
      if (!previous.isBefore(last.minus(rules.flapWindow()))) {
        Instant heldUntil = last.plus(rules.flapWindow());
        due = heldUntil.isAfter(due) ? heldUntil : due;
      }
    }
    return Optional.of(due);
  }

  /**
   * The circuit breaker: how many quarantines began within the window, against the budget, and
   * whether it is open. It is open from the moment a quarantine would have exceeded the budget
   * until a person resets it (the policy's {@value GpuQuarantine#BREAKER_RESET_AT} annotation,
   * later than {@code status.breakerTrippedAt}); after a reset only quarantines begun since count.
   */
  private static final class Breaker {
    private final QuarantinePolicy rules;
    private final Map<String, GpuNodeHealth> byNode;
    private final int fleet;
    private final int budget;
    private final Set<String> counted;
    private final Duration window;
    private Instant trippedAt;
    private String message;

    private Breaker(
        QuarantinePolicy rules,
        Map<String, GpuNodeHealth> byNode,
        int fleet,
        Set<String> counted,
        Instant trippedAt,
        String message) {
      this.rules = rules;
      this.byNode = byNode;
      this.fleet = fleet;
      this.budget = rules.budgetOf(fleet);
      this.counted = counted;
      this.window = rules.window();
      this.trippedAt = trippedAt;
      this.message = message;
    }

    static Breaker of(
        GpuHealthPolicy policy,
        QuarantinePolicy rules,
        Collection<GpuNodeHealth> healths,
        Collection<Quarantine> existing,
        Instant now) {
      GpuHealthPolicyStatus status = policy == null ? null : policy.getStatus();
      Instant trippedAt = status == null ? null : instant(status.breakerTrippedAt()).orElse(null);
      Instant resetAt =
          policy == null || policy.getMetadata().getAnnotations() == null
              ? null
              : instant(policy.getMetadata().getAnnotations().get(GpuQuarantine.BREAKER_RESET_AT))
                  .orElse(null);
      if (trippedAt != null && resetAt != null && !resetAt.isBefore(trippedAt)) {
        trippedAt = null;
      }
      Instant windowStart = now.minus(rules.window());
      if (resetAt != null && resetAt.isAfter(windowStart)) {
        windowStart = resetAt;
      }
      Instant start = windowStart;
      Map<String, GpuNodeHealth> byNode =
          healths.stream()
              .collect(
                  Collectors.toMap(
                      h -> h.getMetadata().getName(), Function.identity(), (a, b) -> a));
      int fleet =
          rules.scope() == BreakerScope.GpuNodes
              ? healths.size()
              : healths.stream().mapToInt(h -> gpus(h).size()).sum();
      List<Quarantine> recent =
          existing.stream().filter(q -> q.since() != null && !q.since().isBefore(start)).toList();
      String message =
          trippedAt == null
              ? null
              : condition(policy, ConditionTypes.BREAKER_TRIPPED)
                  .map(Condition::message)
                  .orElse("the circuit breaker is open");
      return new Breaker(
          rules, byNode, fleet, units(rules.scope(), recent, byNode), trippedAt, message);
    }

    /** Empty when the quarantine may go ahead (and is then counted), else why not. */
    Optional<String> admit(Quarantine quarantine, Need need, String what) {
      if (trippedAt != null) {
        return Optional.of(
            "not quarantining "
                + what
                + " ("
                + name(need)
                + "): the circuit breaker is open; `bosun gpu breaker reset` once the faults are understood");
      }
      Set<String> after = new HashSet<>(counted);
      after.addAll(units(rules.scope(), List.of(quarantine), byNode));
      if (after.size() > budget) {
        trippedAt = quarantine.since();
        message =
            "quarantining %s (%s) would make %d quarantined within %ds, over maxQuarantined %s; nothing more is quarantined until `bosun gpu breaker reset`"
                .formatted(
                    what,
                    name(need),
                    after.size(),
                    window.toSeconds(),
                    rules.describeBudget(fleet));
        return Optional.of(message);
      }
      counted.clear();
      counted.addAll(after);
      return Optional.empty();
    }

    GpuHealthPolicyStatus status(GpuHealthPolicy policy, int quarantined, Instant now) {
      boolean open = trippedAt != null;
      String status = open ? "True" : "False";
      String since =
          condition(policy, ConditionTypes.BREAKER_TRIPPED)
              .filter(c -> status.equals(c.status()))
              .map(Condition::lastTransitionTime)
              .orElse(now.toString());
      Long generation = policy == null ? null : policy.getMetadata().getGeneration();
      var condition =
          new Condition(
              ConditionTypes.BREAKER_TRIPPED,
              status,
              generation,
              since,
              open ? Reasons.BUDGET_EXCEEDED : Reasons.WITHIN_BUDGET,
              open
                  ? message
                  : "quarantines within the window stay within maxQuarantined "
                      + rules.describeBudget(fleet));
      return new GpuHealthPolicyStatus(
          generation, List.of(condition), quarantined, open ? trippedAt.toString() : null);
    }
  }

  /**
   * What the breaker counts of some quarantines: their nodes, or their GPUs (a node's quarantine
   * counting every GPU of the node).
   */
  private static Set<String> units(
      BreakerScope scope, Collection<Quarantine> quarantines, Map<String, GpuNodeHealth> byNode) {
    var units = new HashSet<String>();
    for (Quarantine q : quarantines) {
      if (scope == BreakerScope.GpuNodes) {
        units.add(q.node());
      } else if (!q.isNode()) {
        units.add(key(q.node(), q.device()));
      } else {
        List<GpuDeviceHealth> gpus =
            byNode.containsKey(q.node()) ? gpus(byNode.get(q.node())) : List.of();
        if (gpus.isEmpty()) {
          units.add(key(q.node(), null));
        }
        gpus.forEach(g -> units.add(key(q.node(), device(g))));
      }
    }
    return units;
  }

  private static Optional<Condition> condition(GpuHealthPolicy policy, String type) {
    if (policy == null || policy.getStatus() == null || policy.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return policy.getStatus().conditions().stream().filter(c -> type.equals(c.type())).findFirst();
  }

  /** The DRA device of a whole GPU: NVIDIA's driver names it after the GPU's minor. */
  static String device(GpuDeviceHealth gpu) {
    return "gpu-" + gpu.index();
  }

  static boolean unusable(GpuDeviceHealth gpu) {
    return gpu.health() == GpuHealthStatus.Unhealthy || Boolean.FALSE.equals(gpu.present());
  }

  private static GpuFaultClass faultClass(GpuFault fault) {
    return GpuFaultClass.valueOf(fault.faultClass().toUpperCase(Locale.ROOT));
  }

  private static List<GpuDeviceHealth> gpus(GpuNodeHealth health) {
    return health.getStatus() == null || health.getStatus().gpus() == null
        ? List.of()
        : health.getStatus().gpus();
  }

  private static List<GpuFault> faults(List<GpuFault> faults) {
    return faults == null ? List.of() : faults;
  }

  private static Optional<Condition> nodeCondition(GpuNodeHealth health) {
    List<Condition> conditions = health.getStatus().conditions();
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> ConditionTypes.GPU_HEALTHY.equals(c.type())).findFirst();
  }

  static Optional<Instant> instant(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

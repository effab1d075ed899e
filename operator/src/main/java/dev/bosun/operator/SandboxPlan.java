package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxStatus;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTimings;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.FieldError;
import dev.bosun.compiler.SandboxObjects;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the operator does with a Sandbox, and the status it writes, from what it read: the Sandbox,
 * its template and tier (null when missing), its pod (null when absent), the PersistentVolume bound
 * to its memory claim (null until the claim is bound), the inventory of what was applied, and the
 * time. Pure: the reconciler only carries it out.
 *
 * @param blocker why nothing can be made (missing template or tier, invalid spec); null otherwise
 * @param createPod the pod runs and has none: create it
 * @param deletePod delete the pod: suspended (by request, idle timeout or a retained expiry), or
 *     finished (Failed, Succeeded), to be made again by the reconcile its deletion wakes
 * @param suspendForIdle nobody used the sandbox for its idle timeout: set spec.operatingMode to
 *     Suspended
 * @param deleteSandbox the TTL ran out and the shutdown policy is Delete
 * @param status the status to write; it carries the inventory given, as every status must
 * @param wakeAt when the next deadline (idle timeout or TTL) falls, if any
 */
public record SandboxPlan(
    Blocker blocker,
    boolean createPod,
    boolean deletePod,
    boolean suspendForIdle,
    boolean deleteSandbox,
    SandboxStatus status,
    Optional<Instant> wakeAt) {

  /** Why a Sandbox's objects cannot be made: a reason from {@link Reasons} and a message. */
  public record Blocker(String reason, String message) {}

  /**
   * Why the Sandbox cannot be made, or null: the template or its tier is missing, or a field (the
   * Sandbox's or its template's) breaks a rule.
   */
  public static Blocker blocker(Sandbox sandbox, SandboxTemplate template, Tier tier) {
    String templateName = sandbox.getSpec().sandboxTemplateRef().name();
    if (template == null) {
      return new Blocker(
          Reasons.TEMPLATE_NOT_FOUND,
          "spec.sandboxTemplateRef.name: SandboxTemplate \""
              + templateName
              + "\" does not exist in namespace "
              + sandbox.getMetadata().getNamespace());
    }
    if (tier == null) {
      return new Blocker(
          Reasons.TIER_NOT_FOUND,
          tierNotFound(template, "SandboxTemplate \"" + templateName + "\": "));
    }
    List<FieldError> problems = SandboxObjects.check(sandbox, template, tier);
    return problems.isEmpty()
        ? null
        : new Blocker(
            Reasons.INVALID_SPEC,
            problems.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
  }

  /** The message of a template whose tier is missing, its field first. */
  static String tierNotFound(SandboxTemplate template, String prefix) {
    return prefix
        + "spec.size: tier \""
        + template.getSpec().size()
        + "\" does not exist; `bosun tiers` lists the tiers of this cluster";
  }

  /** The plan for a Sandbox, as the class comment says. */
  public static SandboxPlan of(
      Sandbox sandbox,
      Blocker blocker,
      SandboxTemplate template,
      String volumeName,
      Pod pod,
      List<ChildReference> inventory,
      Instant now) {
    String name = sandbox.getMetadata().getName();
    String namespace = sandbox.getMetadata().getNamespace();
    long generation = Optional.ofNullable(sandbox.getMetadata().getGeneration()).orElse(0L);
    SandboxStatus previous = sandbox.getStatus();
    List<Condition> previousConditions = previous == null ? null : previous.conditions();
    SandboxTimings before = previous == null ? null : previous.timings();
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    String warmPool = labels == null ? null : labels.get(Sandboxes.WARM_POOL_LABEL);
    Instant created = parse(sandbox.getMetadata().getCreationTimestamp()).orElse(now);
    Instant lastActivity =
        annotations == null ? null : parse(annotations.get(Sandboxes.LAST_ACTIVITY)).orElse(null);
    boolean terminating = pod != null && pod.getMetadata().getDeletionTimestamp() != null;
    boolean finished =
        pod != null
            && ("Failed".equals(pod.getStatus() == null ? null : pod.getStatus().getPhase())
                || "Succeeded".equals(pod.getStatus().getPhase()));
    boolean live = pod != null && !terminating && !finished;
    boolean ready = live && podCondition(pod, "Ready", now).isPresent();

    if (blocker != null) {
      // Nothing is made, nothing is taken away: a pod of an earlier valid spec keeps running.
      List<Condition> conditions =
          Conditions.merge(
              previousConditions,
              List.of(
                  new Conditions.Observed(
                      ConditionTypes.READY, false, blocker.reason(), blocker.message())),
              generation,
              now);
      SandboxStatus status =
          new SandboxStatus(
              generation,
              conditions,
              previous == null ? null : previous.operatingMode(),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              warmPool,
              before,
              inventory);
      return new SandboxPlan(blocker, false, false, false, false, status, Optional.empty());
    }

    SandboxLifecycle lifecycle = SandboxObjects.lifecycle(sandbox, template);
    // A sandbox waiting in a pool has not begun its life: it neither expires nor idles.
    boolean waiting = warmPool != null;
    Instant start =
        annotations == null
            ? created
            : parse(annotations.get(Sandboxes.CLAIMED_AT)).orElse(created);
    Instant expiresAt =
        lifecycle.ttl() == null || waiting ? null : start.plus(Durations.parse(lifecycle.ttl()));
    boolean expired = expiresAt != null && !now.isBefore(expiresAt);
    if (expired && lifecycle.shutdownPolicy() != ShutdownPolicy.Retain) {
      return new SandboxPlan(null, false, false, false, true, previous, Optional.empty());
    }

    OperatingMode asked = sandbox.getSpec().effectiveOperatingMode();
    boolean wasSuspended = Conditions.isTrue(previousConditions, ConditionTypes.SUSPENDED);
    // The current run was asked for at the creation, or at the resume that ended a suspension.
    Instant requestedAt =
        !expired && asked == OperatingMode.Running && wasSuspended
            ? now
            : parse(before == null ? null : before.requestedAt()).orElse(created);
    Instant readyAt = ready ? podCondition(pod, "Ready", now).orElse(now) : null;

    boolean idle = false;
    Instant idleDeadline = null;
    if (!expired
        && !waiting
        && asked == OperatingMode.Running
        && ready
        && lifecycle.idleTimeout() != null) {
      // A sandbox claimed from a pool was ready long before anyone had it: its use starts at
      // the claim.
      Instant lastUse =
          Stream.of(lastActivity, readyAt, requestedAt, start)
              .filter(Objects::nonNull)
              .max(Instant::compareTo)
              .orElse(now);
      idleDeadline = lastUse.plus(Durations.parse(lifecycle.idleTimeout()));
      idle = !now.isBefore(idleDeadline);
    }
    OperatingMode mode = expired || idle ? OperatingMode.Suspended : asked;

    String suspendReason;
    if (expired) {
      suspendReason = Reasons.TTL_EXPIRED;
    } else if (idle
        || (asked == OperatingMode.Suspended
            && annotations != null
            && Long.toString(generation)
                .equals(annotations.get(Sandboxes.IDLE_SUSPENDED_GENERATION)))) {
      // The idle suspension is remembered with the spec generation it made, until a resume.
      suspendReason = Reasons.IDLE_TIMEOUT;
    } else {
      suspendReason = Reasons.SUSPENDED_BY_REQUEST;
    }

    boolean running = mode == OperatingMode.Running;
    OperatingMode observed = running || live ? OperatingMode.Running : OperatingMode.Suspended;
    Conditions.Observed readyCondition;
    if (running && ready) {
      readyCondition =
          new Conditions.Observed(
              ConditionTypes.READY,
              true,
              Reasons.SANDBOX_READY,
              "pod " + name + " is ready on node " + pod.getSpec().getNodeName());
    } else if (running) {
      readyCondition =
          new Conditions.Observed(
              ConditionTypes.READY, false, Reasons.POD_STARTING, podStartingMessage(pod, finished));
    } else {
      readyCondition =
          new Conditions.Observed(
              ConditionTypes.READY, false, suspendReason, suspendMessage(suspendReason, lifecycle));
    }
    List<Condition> conditions =
        Conditions.merge(
            previousConditions,
            List.of(
                readyCondition,
                new Conditions.Observed(
                    ConditionTypes.SUSPENDED,
                    !running,
                    running ? Reasons.ACTIVE : suspendReason,
                    running ? null : suspendMessage(suspendReason, lifecycle)),
                new Conditions.Observed(
                    ConditionTypes.EXPIRED,
                    expired,
                    expired ? Reasons.TTL_EXPIRED : Reasons.ACTIVE,
                    expired
                        ? "the TTL ran out at " + expiresAt + "; the sandbox is kept (Retain)"
                        : null)),
            generation,
            now);

    Instant suspendedAt =
        !running && !wasSuspended
            ? now
            : parse(before == null ? null : before.suspendedAt()).orElse(null);
    SandboxTimings timings =
        new SandboxTimings(
            text(requestedAt),
            running && live ? text(podCondition(pod, "PodScheduled", now).orElse(null)) : null,
            running ? text(readyAt) : null,
            text(lastActivity),
            text(suspendedAt),
            text(expiresAt));
    boolean showPod = running && live;
    SandboxStatus status =
        new SandboxStatus(
            generation,
            conditions,
            observed,
            name,
            Sandboxes.serviceFqdn(name, namespace),
            showPod ? name : null,
            showPod ? pod.getSpec().getNodeName() : null,
            showPod && pod.getStatus() != null ? pod.getStatus().getPodIP() : null,
            SandboxObjects.port(template),
            Sandboxes.volumeClaimName(name),
            volumeName,
            warmPool,
            timings,
            inventory);

    Optional<Instant> wakeAt =
        Stream.of(idle ? null : idleDeadline, expired ? null : expiresAt)
            .filter(Objects::nonNull)
            .min(Instant::compareTo);
    return new SandboxPlan(
        null,
        running && pod == null,
        pod != null && !terminating && (!running || finished),
        idle,
        false,
        status,
        wakeAt);
  }

  private static String suspendMessage(String reason, SandboxLifecycle lifecycle) {
    return switch (reason) {
      case Reasons.TTL_EXPIRED ->
          "the TTL (" + lifecycle.ttl() + ") ran out; volume and name are kept";
      case Reasons.IDLE_TIMEOUT ->
          "nobody used the sandbox for its idle timeout ("
              + lifecycle.idleTimeout()
              + "); a request through the router resumes it";
      default -> "spec.operatingMode is Suspended; volume and name are kept";
    };
  }

  private static String podStartingMessage(Pod pod, boolean finished) {
    if (pod == null) {
      return "the pod is being created";
    }
    if (finished) {
      return "the pod ended (" + pod.getStatus().getPhase() + "); it is replaced";
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return "the previous pod is being deleted; a new one follows";
    }
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null
        ? "the pod waits for a node"
        : "the pod is starting on node " + pod.getSpec().getNodeName();
  }

  /**
   * When the pod's condition of {@code type} became True, if it is True; {@code unknown} when the
   * condition does not say (the kubelet always does).
   */
  private static Optional<Instant> podCondition(Pod pod, String type, Instant unknown) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst()
        .map(c -> parse(c.getLastTransitionTime()).orElse(unknown));
  }

  private static Optional<Instant> parse(String time) {
    if (time == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String text(Instant time) {
    return time == null ? null : time.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}

package dev.bosun.agent;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.gpu.model.NodeSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps the cluster's picture of this node up to date: remembers what was last written, asks {@link
 * Publication} what to write now, has {@link KubePublisher} write it, and says in the log when the
 * condition changes or the API server goes away and comes back. A failed write is retried at the
 * next sample.
 *
 * <p>Owned by the loop thread, the only caller of {@link #publish}; the write counters are atomics
 * because the HTTP thread (and tests) read them through {@link #writes()}.
 */
final class ClusterReporter {

  /** Writes made and failed since start, for /metrics. */
  record Writes(long status, long condition, long errors) {
    static final Writes NONE = new Writes(0, 0, 0);
  }

  private final KubePublisher publisher;
  private final Duration heartbeat;
  private final Duration retryEvery;
  private final Consumer<String> log;
  private final AtomicLong statusWrites = new AtomicLong();
  private final AtomicLong conditionWrites = new AtomicLong();
  private final AtomicLong publishErrors = new AtomicLong();

  // Loop thread only.
  private Long generation;
  private Publication.Last last = Publication.Last.NOTHING;
  private String publishProblem;
  private Condition lastLogged;

  /**
   * @param retryEvery the sampling interval, for the log: a failed write is tried again then
   */
  ClusterReporter(
      KubePublisher publisher, Duration heartbeat, Duration retryEvery, Consumer<String> log) {
    this.publisher = publisher;
    this.heartbeat = heartbeat;
    this.retryEvery = retryEvery;
    this.log = log;
  }

  Writes writes() {
    return new Writes(statusWrites.get(), conditionWrites.get(), publishErrors.get());
  }

  /**
   * What this node's GpuNodeHealth says now (written by an earlier run); empty on a first start,
   * and when it cannot be read: the agent then starts fresh rather than not at all.
   */
  Optional<GpuNodeHealthStatus> lastPublished() {
    try {
      return publisher.lastStatus();
    } catch (KubePublisher.PublishException e) {
      log.accept(e.getMessage() + "; starting without what the last run published");
      return Optional.empty();
    }
  }

  /**
   * Writes what changed since the last write, or everything when the heartbeat is due.
   *
   * @param snapshot the latest sample; {@code null} when the source could not be read
   */
  void publish(
      String source,
      NodeSnapshot snapshot,
      NodeKnowledge knowledge,
      Map<String, Long> unparsed,
      Instant now) {
    try {
      if (generation == null) generation = publisher.ensure();
      Publication.Decision d =
          Publication.decide(
              new Publication.Inputs(
                  generation,
                  source,
                  snapshot,
                  knowledge.health(),
                  knowledge.faults(),
                  unparsed,
                  now),
              last,
              heartbeat);
      if (d.writeStatus()) {
        publisher.writeStatus(d.status());
        statusWrites.incrementAndGet();
        last = new Publication.Last(d.status(), now, last.condition(), last.conditionAt());
      }
      if (d.writeCondition()) {
        publisher.writeCondition(d.condition(), now);
        conditionWrites.incrementAndGet();
        last = new Publication.Last(last.status(), last.statusAt(), d.condition(), now);
      }
      if (lastLogged == null || !Publication.sameCondition(d.condition(), lastLogged)) {
        Condition c = d.condition();
        log.accept(c.type() + "=" + c.status() + " (" + c.reason() + "): " + c.message());
        lastLogged = c;
      }
      if (publishProblem != null) log.accept("publishing again");
      publishProblem = null;
    } catch (KubePublisher.PublishException e) {
      publishErrors.incrementAndGet();
      if (!e.getMessage().equals(publishProblem))
        log.accept(e.getMessage() + "; retrying every " + retryEvery.toMillis() + " ms");
      publishProblem = e.getMessage();
      generation = null; // the object may be gone: apply it again before the next status
    }
  }
}

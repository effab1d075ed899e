package dev.bosun.localcluster;

/**
 * The queue of a stand-in model server with a fixed capacity, as counts: at most {@code capacity}
 * requests run at once, up to {@code maxWaiting} more wait in arrival order, and the rest are
 * turned away. Pure transitions, for {@link ModelServer}, which holds the current one under a lock.
 *
 * @param capacity the requests one replica serves at once (vLLM's batch)
 * @param maxWaiting the most requests that wait for a slot
 * @param running the requests being served
 * @param waiting the requests waiting for a slot
 */
public record ModelServerLoad(int capacity, int maxWaiting, int running, int waiting) {

  public ModelServerLoad {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: must be 1 or more, got " + capacity);
    }
    if (maxWaiting < 0) {
      throw new IllegalArgumentException("maxWaiting: must be 0 or more, got " + maxWaiting);
    }
    if (running < 0 || running > capacity || waiting < 0 || waiting > maxWaiting) {
      throw new IllegalArgumentException(
          "running "
              + running
              + " and waiting "
              + waiting
              + " must be within capacity "
              + capacity
              + " and maxWaiting "
              + maxWaiting);
    }
    if (waiting > 0 && running < capacity) {
      throw new IllegalArgumentException("requests wait only while every slot is taken");
    }
  }

  /** An idle server. */
  public static ModelServerLoad idle(int capacity, int maxWaiting) {
    return new ModelServerLoad(capacity, maxWaiting, 0, 0);
  }

  /** What became of an arriving request. */
  public enum Outcome {
    /** It took a free slot. */
    RUNS,
    /** It waits for one. */
    WAITS,
    /** The queue is full: it is turned away (503). */
    REJECTED
  }

  /** A transition: the new load and what it meant for the request. */
  public record Step(ModelServerLoad load, Outcome outcome) {}

  /** A request arrives. */
  public Step arrive() {
    if (running < capacity) {
      return new Step(
          new ModelServerLoad(capacity, maxWaiting, running + 1, waiting), Outcome.RUNS);
    }
    if (waiting < maxWaiting) {
      return new Step(
          new ModelServerLoad(capacity, maxWaiting, running, waiting + 1), Outcome.WAITS);
    }
    return new Step(this, Outcome.REJECTED);
  }

  /**
   * A running request finishes: its slot goes to the longest-waiting request if there is one (which
   * then runs), else it is free.
   */
  public ModelServerLoad finish() {
    if (running == 0) {
      throw new IllegalStateException("no request is running");
    }
    return waiting > 0
        ? new ModelServerLoad(capacity, maxWaiting, running, waiting - 1)
        : new ModelServerLoad(capacity, maxWaiting, running - 1, waiting);
  }

  /**
   * The stand-in's KV-cache use, a fraction from 0 to 1: each running request holds an equal share
   * of the cache, so a full batch fills it.
   */
  public double kvCacheUsage() {
    return (double) running / capacity;
  }
}

package dev.bosun.gpu.classify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent Xids per GPU that context rules need (48 with 63/64, 45 after another Xid, 13/31
 * repeating). Immutable: {@link #with} returns a new history, pruned to {@code keep}.
 */
public record XidHistory(Map<String, List<Seen>> byGpu) {

  /**
   * A Xid seen on a GPU: code, SM location when the line gave one, whether it was caused by another
   * Xid.
   */
  public record Seen(int code, String location, boolean secondary, Instant at) {}

  public static final XidHistory EMPTY = new XidHistory(Map.of());

  /** Bounds memory on a GPU that spews Xids: older entries matter less than the newest. */
  static final int MAX_PER_GPU = 64;

  /**
   * More GPUs than a node has; beyond it (a hostile or merged log) the GPU quiet for longest is
   * forgotten, so memory and the cost of each call stay bounded.
   */
  static final int MAX_GPUS = 64;

  public XidHistory {
    byGpu = Map.copyOf(byGpu);
  }

  public List<Seen> on(String gpuKey) {
    return byGpu.getOrDefault(gpuKey, List.of());
  }

  public XidHistory with(String gpuKey, Seen seen, Duration keep) {
    Instant oldest = seen.at().minus(keep);
    List<Seen> kept = new ArrayList<>();
    for (Seen s : on(gpuKey)) if (!s.at().isBefore(oldest)) kept.add(s);
    kept.add(seen);
    if (kept.size() > MAX_PER_GPU) kept = kept.subList(kept.size() - MAX_PER_GPU, kept.size());
    Map<String, List<Seen>> next = new HashMap<>(byGpu);
    next.put(gpuKey, List.copyOf(kept));
    if (next.size() > MAX_GPUS) next.remove(quietest()); // gpuKey is new, so not among byGpu
    return new XidHistory(next);
  }

  /** The GPU whose last Xid is the oldest. */
  private String quietest() {
    String quietest = null;
    Instant quietestLast = Instant.MAX;
    for (Map.Entry<String, List<Seen>> e : byGpu.entrySet()) {
      Instant last = e.getValue().isEmpty() ? Instant.MIN : e.getValue().getLast().at();
      if (last.isBefore(quietestLast)) {
        quietest = e.getKey();
        quietestLast = last;
      }
    }
    return quietest;
  }
}

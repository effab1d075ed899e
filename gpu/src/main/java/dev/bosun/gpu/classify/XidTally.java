package dev.bosun.gpu.classify;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Xids counted per GPU and code, and the last code per GPU (what dcgm-exporter's {@code
 * DCGM_FI_DEV_XID_ERRORS} gauge shows). Immutable; {@link #record} returns a new tally. The GPU key
 * is its UUID, or its canonical PCI address when the UUID is not known.
 */
public record XidTally(Map<String, Map<Integer, Long>> counts, Map<String, Integer> last) {

  public static final XidTally EMPTY = new XidTally(Map.of(), Map.of());

  public XidTally {
    Map<String, Map<Integer, Long>> copy = new HashMap<>();
    counts.forEach((gpu, byCode) -> copy.put(gpu, Map.copyOf(byCode)));
    counts = Map.copyOf(copy);
    last = Map.copyOf(last);
  }

  public XidTally record(String gpuKey, int code) {
    Map<String, Map<Integer, Long>> nextCounts = new HashMap<>(counts);
    Map<Integer, Long> byCode = new TreeMap<>(counts.getOrDefault(gpuKey, Map.of()));
    byCode.merge(code, 1L, Long::sum);
    nextCounts.put(gpuKey, byCode);
    Map<String, Integer> nextLast = new HashMap<>(last);
    nextLast.put(gpuKey, code);
    return new XidTally(nextCounts, nextLast);
  }

  public Map<Integer, Long> on(String gpuKey) {
    return new TreeMap<>(counts.getOrDefault(gpuKey, Map.of()));
  }
}

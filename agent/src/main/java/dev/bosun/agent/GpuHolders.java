package dev.bosun.agent;

import dev.bosun.gpu.metrics.GpuHolder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pods hold which of the node's GPUs, as last learned: from the ResourceClaims allocated on
 * the node ({@link ClaimWatch}, DRA) and from the kubelet's pod-resources API ({@link
 * PodResourcesPoller}, the device plugin). {@link #current} returns at once what the source knows
 * (its I/O runs on its own thread), so the sampling loop never waits on it.
 */
interface GpuHolders extends AutoCloseable {

  /** No source: every GPU is free (offline, tests). */
  GpuHolders NONE = Map::of;

  /** The pods holding each device, by the device's UUID (a GPU's, or a MIG instance's). */
  Map<String, List<GpuHolder>> current();

  @Override
  default void close() {}

  /** Both sources at once (a node may run the device plugin and a DRA driver side by side). */
  static GpuHolders both(GpuHolders a, GpuHolders b) {
    return new GpuHolders() {
      @Override
      public Map<String, List<GpuHolder>> current() {
        return merged(a.current(), b.current());
      }

      @Override
      public void close() {
        a.close();
        b.close();
      }
    };
  }

  /** The holders of each device in either map, each holder once. */
  static Map<String, List<GpuHolder>> merged(
      Map<String, List<GpuHolder>> a, Map<String, List<GpuHolder>> b) {
    if (b.isEmpty()) return a;
    if (a.isEmpty()) return b;
    Map<String, List<GpuHolder>> all = new HashMap<>();
    for (var m : List.of(a, b))
      m.forEach(
          (uuid, holders) -> {
            List<GpuHolder> into = all.computeIfAbsent(uuid, _ -> new ArrayList<>());
            for (GpuHolder h : holders) if (!into.contains(h)) into.add(h);
          });
    Map<String, List<GpuHolder>> frozen = new HashMap<>();
    all.forEach((uuid, holders) -> frozen.put(uuid, List.copyOf(holders)));
    return Map.copyOf(frozen);
  }
}

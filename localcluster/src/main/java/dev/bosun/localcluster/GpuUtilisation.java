package dev.bosun.localcluster;

/**
 * Where a stand-in's load shows as the utilisation of the GPUs its pod holds: the simulated nodes'
 * NVML, which the node agents read (the lowest layer, so the agents' attribution and the scaler
 * above it run as on a real node).
 */
@FunctionalInterface
public interface GpuUtilisation {
  /** No simulated NVML to write to: load shows in CPU usage only. */
  GpuUtilisation NONE = (gpu, percent) -> {};

  /**
   * Sets how busy {@code gpu} is, 0 to 100 %.
   *
   * @throws RuntimeException when it cannot be set (a node without simulated files); the next
   *     report tries again
   */
  void set(PodGpus.Gpu gpu, int percent);
}

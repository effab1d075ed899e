package dev.bosun.gpu.model;

/** Framebuffer memory in MiB, the unit nvidia-smi and dcgm-exporter use. */
public record MemoryUsage(long totalMiB, long usedMiB, long freeMiB) {
  public MemoryUsage {
    if (totalMiB < 0 || usedMiB < 0 || freeMiB < 0 || usedMiB > totalMiB || freeMiB > totalMiB) {
      throw new IllegalArgumentException(
          "impossible memory usage total=%d used=%d free=%d".formatted(totalMiB, usedMiB, freeMiB));
    }
  }

  /** Whether these numbers describe memory at all; used by sources before constructing. */
  public static boolean plausible(long totalMiB, long usedMiB, long freeMiB) {
    return totalMiB >= 0
        && usedMiB >= 0
        && freeMiB >= 0
        && usedMiB <= totalMiB
        && freeMiB <= totalMiB;
  }
}

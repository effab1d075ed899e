package dev.bosun.gpu.model;

/** Percent of the last sample period the GPU (SMs) and the memory controller were busy. */
public record Utilisation(int gpuPercent, int memoryPercent) {
  public Utilisation {
    if (!plausible(gpuPercent) || !plausible(memoryPercent)) {
      throw new IllegalArgumentException(
          "utilisation out of 0..100: " + gpuPercent + "/" + memoryPercent);
    }
  }

  public static boolean plausible(long percent) {
    return percent >= 0 && percent <= 100;
  }
}

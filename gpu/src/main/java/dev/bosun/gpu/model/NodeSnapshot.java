package dev.bosun.gpu.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every GPU on a node at one moment, with the software that reported them. {@code cudaVersion} is
 * the driver's CUDA version ("13.0"), not a toolkit's.
 */
public record NodeSnapshot(
    Instant takenAt,
    String driverVersion,
    String nvmlVersion,
    String cudaVersion,
    List<GpuSample> gpus) {
  public NodeSnapshot {
    gpus = gpus.stream().sorted(Comparator.comparingInt(g -> g.identity().index())).toList();
  }

  public Optional<GpuSample> byUuid(String uuid) {
    return gpus.stream().filter(g -> g.uuid().equals(uuid)).findFirst();
  }

  public Optional<GpuSample> byPci(PciAddress pci) {
    return gpus.stream().filter(g -> pci.equals(g.identity().pci())).findFirst();
  }

  /** Formats NVML's integer CUDA driver version (13000) the way nvidia-smi does ("13.0"). */
  public static String cudaVersionOf(int nvmlCudaDriverVersion) {
    return (nvmlCudaDriverVersion / 1000) + "." + (nvmlCudaDriverVersion % 1000) / 10;
  }
}

package dev.bosun.localcluster;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one GPU model looks like to Kubernetes: the values NVIDIA's DRA driver publishes for each
 * device and that GPU feature discovery puts on the node.
 *
 * <p>Version attributes are semantic versions, normalised the way the driver does it (driver {@code
 * 580.159.04} becomes {@code 580.159.4}, compute capability {@code 9.0} becomes {@code 9.0.0}).
 *
 * @param memoryMebibytes the memory NVML reports as total, which the driver publishes as the
 *     device's {@code memory} capacity (slightly less than the marketing size)
 */
public record GpuProduct(
    String productName,
    String brand,
    String architecture,
    String cudaComputeCapability,
    String driverVersion,
    String cudaDriverVersion,
    long memoryMebibytes,
    String addressingMode,
    List<String> pciBusIds) {

  /**
   * The H100 of the captured fixtures ({@code gpu/src/test/resources/fixtures/h100-80gb-hbm3},
   * {@code nvidia-smi -q}: driver 580.159.04, CUDA 13.0, 81559 MiB, Hopper, addressing mode None).
   * The bus ids are those of the eight GPUs of an HGX H100 board.
   */
  public static final GpuProduct H100_80GB_HBM3 =
      new GpuProduct(
          "NVIDIA H100 80GB HBM3",
          "NVIDIA",
          "Hopper",
          "9.0.0",
          "580.159.4",
          "13.0.0",
          81_559,
          "None",
          List.of(
              "0000:18:00.0",
              "0000:2a:00.0",
              "0000:3a:00.0",
              "0000:5d:00.0",
              "0000:9a:00.0",
              "0000:ab:00.0",
              "0000:ba:00.0",
              "0000:db:00.0"));

  public static final List<GpuProduct> KNOWN = List.of(H100_80GB_HBM3);

  /** A known product by its name as nvidia-smi prints it, or as GPU feature discovery labels it. */
  public static Optional<GpuProduct> named(String name) {
    return KNOWN.stream()
        .filter(
            p -> p.productName.equalsIgnoreCase(name) || p.productLabel().equalsIgnoreCase(name))
        .findFirst();
  }

  /** The {@code nvidia.com/gpu.product} label value: the name with spaces as dashes. */
  public String productLabel() {
    return productName.replace(' ', '-');
  }

  /** The {@code nvidia.com/gpu.family} label value. */
  public String family() {
    return architecture.toLowerCase(Locale.ROOT);
  }

  /** The PCI address of the GPU at {@code index} on its node. */
  public String pciBusId(int index) {
    // Nodes with more GPUs than a board has continue on the next domain.
    return index < pciBusIds.size()
        ? pciBusIds.get(index)
        : "%04x".formatted(index / pciBusIds.size())
            + pciBusIds.get(index % pciBusIds.size()).substring(4);
  }

  int major(String version) {
    return Integer.parseInt(version.split("\\.")[0]);
  }

  int minor(String version) {
    return Integer.parseInt(version.split("\\.")[1]);
  }
}

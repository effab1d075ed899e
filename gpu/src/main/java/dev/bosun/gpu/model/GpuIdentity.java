package dev.bosun.gpu.model;

import java.util.Objects;

/**
 * Who a GPU is: NVML's index (which is also the {@code /dev/nvidiaN} minor on a plain host), its
 * UUID, marketing name and PCI address. The UUID is the stable key; the index can change across
 * reboots. {@code pci} is {@code null} only when the source did not say (a {@code --query-gpu}
 * without {@code pci.bus_id}).
 */
public record GpuIdentity(int index, String uuid, String name, PciAddress pci) {
  public GpuIdentity {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(name, "name");
    if (index < 0) throw new IllegalArgumentException("negative GPU index " + index);
  }

  /** The device node name dcgm-exporter puts in its {@code device} label. */
  public String deviceName() {
    return "nvidia" + index;
  }
}

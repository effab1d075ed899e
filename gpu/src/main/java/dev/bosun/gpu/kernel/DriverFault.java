package dev.bosun.gpu.kernel;

import dev.bosun.gpu.model.PciAddress;

/**
 * A fault the NVIDIA driver reported: a Xid, or a GPU that fell off the bus without one ({@code xid
 * == null}).
 *
 * @param origin where it was read
 * @param sequence kmsg sequence number when read from /dev/kmsg, else {@code null}
 * @param uptimeMicros kernel timestamp when the line had one, else {@code null}
 * @param pci the GPU's address; {@code null} when the message does not give it (a "fallen off the
 *     bus" line on its own, an NVML event on a device whose address could not be read)
 * @param uuid the GPU's UUID when known (NVML, or a "GPU at PCI" line seen earlier)
 * @param text the driver's message, prefix removed
 */
public record DriverFault(
    Origin origin,
    Long sequence,
    Long uptimeMicros,
    PciAddress pci,
    String uuid,
    Integer xid,
    XidDetail detail,
    String text) {

  public enum Origin {
    KERNEL_LOG,
    NVML_EVENT,
    SIMULATED
  }

  public boolean fellOffTheBus() {
    return xid == null || xid == 79;
  }

  public DriverFault withUuid(String newUuid) {
    return new DriverFault(origin, sequence, uptimeMicros, pci, newUuid, xid, detail, text);
  }
}

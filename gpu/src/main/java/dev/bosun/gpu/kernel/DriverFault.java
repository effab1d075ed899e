package dev.bosun.gpu.kernel;

import dev.bosun.gpu.model.PciAddress;

/**
 * A fault the NVIDIA drivers reported: a GPU's Xid, a GPU that fell off the bus without one ({@code
 * xid == null}), or an NVSwitch's SXid ({@code sxid != null}; then {@code pci} is the switch's and
 * {@code xid}, {@code uuid} and {@code detail} are {@code null}).
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
    String text,
    SwitchError sxid) {

  /** A GPU's fault. */
  public DriverFault(
      Origin origin,
      Long sequence,
      Long uptimeMicros,
      PciAddress pci,
      String uuid,
      Integer xid,
      XidDetail detail,
      String text) {
    this(origin, sequence, uptimeMicros, pci, uuid, xid, detail, text, null);
  }

  /**
   * A GPU's fault as an NVML event reports it: no kernel sequence or timestamp, no detail.
   *
   * @param what the event, for the text {@code "NVML event: " + what}
   */
  public static DriverFault ofNvmlEvent(PciAddress pci, String uuid, int xid, String what) {
    return new DriverFault(
        Origin.NVML_EVENT, null, null, pci, uuid, xid, XidDetail.NONE, "NVML event: " + what);
  }

  /** An NVSwitch's SXid. */
  public static DriverFault ofSwitch(
      Origin origin,
      Long sequence,
      Long uptimeMicros,
      PciAddress pci,
      SwitchError sxid,
      String text) {
    return new DriverFault(origin, sequence, uptimeMicros, pci, null, null, null, text, sxid);
  }

  /**
   * The Xid codes a driver can write. NVIDIA's catalog (shared/reference/nvidia-xid-catalog, driver
   * 580) numbers them from 1 to 172 and adds a few per driver branch; NVML reserves 999 for "a Xid
   * it does not know", so a real code stays below it. 0 is no Xid at all. A line with a code
   * outside this range is not a fault the parser can stand behind; a code inside it that the
   * catalog does not list is a fault of an unknown kind (class {@code support}).
   */
  public static final int MIN_XID = 1;

  public static final int MAX_XID = 998;

  public enum Origin {
    KERNEL_LOG,
    NVML_EVENT,
    SIMULATED
  }

  public static boolean plausibleXid(long code) {
    return code >= MIN_XID && code <= MAX_XID;
  }

  public boolean fellOffTheBus() {
    return sxid == null && (xid == null || xid == 79);
  }

  public boolean fromSwitch() {
    return sxid != null;
  }

  public DriverFault withUuid(String newUuid) {
    return new DriverFault(origin, sequence, uptimeMicros, pci, newUuid, xid, detail, text, sxid);
  }
}

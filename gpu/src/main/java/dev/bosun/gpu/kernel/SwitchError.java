package dev.bosun.gpu.kernel;

/**
 * An NVSwitch's SXid, as the {@code nvidia-nvswitch} driver writes its event line: {@code
 * nvidia-nvswitch3: SXid (PCI:0000:05:00.0): 12028, Non-fatal, Link 32 egress non-posted PRIV error
 * (First)}. The switch, not a GPU, reported it; its address is in {@link DriverFault#pci()}.
 *
 * @param nvswitch the driver's switch number, {@code N} in {@code nvidia-nvswitchN}
 * @param link the NVLink port the error names, {@code null} when the line names none
 */
public record SwitchError(int nvswitch, int sxid, boolean fatal, Integer link) {

  /** SXids are five-digit numbers (NVIDIA numbers them from 10001); 0 is none. */
  public static final int MIN_SXID = 1;

  public static final int MAX_SXID = 99_999;
}

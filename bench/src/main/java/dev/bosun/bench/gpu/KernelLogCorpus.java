package dev.bosun.bench.gpu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated kernel log text for the GPU benchmarks: the three transports (kmsg, dmesg, syslog)
 * mixed, mostly ordinary kernel chatter, some NVIDIA driver lines, a few Xids of the shapes in
 * shared/reference/gpu-faults.md and a little garbage. Deterministic per seed.
 */
public final class KernelLogCorpus {

  private static final String[] XID_BODIES = {
    "NVRM: Xid (PCI:0000:%s:00): 13, pid=%d, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address",
    "NVRM: Xid (PCI:0000:%s:00): 31, pid=%d, name=python3, channel 0x0000000a, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC0 GPCCLIENT_T1_6 faulted @ 0x0_00000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_WRITE",
    "NVRM: Xid (PCI:0000:%s:00): 43, pid=%d, name=torchrun, channel 0x0000000a",
    "NVRM: Xid (PCI:0000:%s:00): 48, pid=%d, name=torchrun, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1a2b3c000 partition 3, subpartition 0.",
    "NVRM: Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.",
    "NVRM: Xid (PCI:0000:%s:00): 145, RLW_REMAP Nonfatal XC0 i0 Link %d (0x004505c6 0x00000000 0x00000000 0x00000000)",
  };
  private static final String[] NOISE = {
    "usb 1-1: new high-speed USB device number %d using xhci_hcd",
    "EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Quota mode: none.",
    "IPv6: ADDRCONF(NETDEV_CHANGE): eth%d: link becomes ready",
    "NVRM: Persistence mode is deprecated and will be removed in a future release.",
    "nvidia-nvlink: Nvlink Core is being initialized, major device number %d",
    "audit: type=1400 audit(1732755429.123:%d): apparmor=\"STATUS\" operation=\"profile_load\"",
  };
  private static final String[] BUSES = {"18", "2a", "3a", "5d", "9a", "ab", "ba", "db"};

  private KernelLogCorpus() {}

  /** {@code count} lines; one in {@code faultEvery} is a Xid, one in 500 is garbage. */
  public static List<String> lines(int count, int faultEvery, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>(count);
    long seq = 1;
    for (int i = 0; i < count; i++) {
      String message;
      if (i % faultEvery == 0) {
        String body = XID_BODIES[random.nextInt(XID_BODIES.length)];
        // every template takes (bus, number); a template may use only the first
        message = body.formatted(BUSES[random.nextInt(BUSES.length)], random.nextInt(1, 99999));
      } else if (i % 500 == 1) {
        byte[] junk = new byte[random.nextInt(1, 120)];
        random.nextBytes(junk);
        lines.add(
            new String(junk, StandardCharsets.ISO_8859_1).replace('\n', ' ').replace('\r', ' '));
        continue;
      } else {
        message = NOISE[random.nextInt(NOISE.length)].formatted(random.nextInt(1, 64));
      }
      long micros = i * 1_000L + random.nextInt(1000);
      lines.add(
          switch (i % 3) {
            case 0 -> "4," + seq++ + "," + micros + ",-;" + message;
            case 1 -> "[%6d.%06d] %s".formatted(micros / 1_000_000, micros % 1_000_000, message);
            default ->
                "Nov 28 01:%02d:%02d gpu-node-7 kernel: %s"
                    .formatted((i / 60) % 60, i % 60, message);
          });
    }
    return lines;
  }
}

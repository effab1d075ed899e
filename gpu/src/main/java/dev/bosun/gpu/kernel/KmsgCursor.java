package dev.bosun.gpu.kernel;

import dev.bosun.gpu.model.PciAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far the kernel log has been read: the boot it belongs to (sequence numbers restart at every
 * boot), the last kmsg sequence number handled, and the PCI-to-UUID lines learned so far (the
 * driver prints them once, before a GPU's first Xid; a restart must not forget them).
 */
public record KmsgCursor(String bootId, long lastSequence, Map<PciAddress, String> uuidByPci) {
  public KmsgCursor {
    uuidByPci = Map.copyOf(uuidByPci);
  }

  /** Nothing read yet in this boot. */
  public static KmsgCursor start(String bootId) {
    return new KmsgCursor(bootId, -1, Map.of());
  }

  public KmsgCursor advancedTo(long sequence, Map<PciAddress, String> uuids) {
    return new KmsgCursor(bootId, Math.max(sequence, lastSequence), uuids);
  }

  /** The file format: {@code key=value} lines, one {@code uuid <pci>=<uuid>} line per GPU. */
  public String render() {
    StringBuilder out = new StringBuilder("# bosun kmsg cursor\n");
    out.append("boot_id=").append(bootId).append('\n');
    out.append("last_sequence=").append(lastSequence).append('\n');
    new TreeMap<>(uuidByPci)
        .forEach(
            (pci, uuid) -> out.append("uuid ").append(pci).append('=').append(uuid).append('\n'));
    return out.toString();
  }

  /**
   * Reads {@link #render()}'s format; anything unreadable means "start over" (a fresh cursor),
   * never an exception.
   */
  public static KmsgCursor parse(String text, String currentBootId) {
    String boot = null;
    long last = -1;
    Map<PciAddress, String> uuids = new TreeMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("#") || eq < 0) continue;
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1).strip();
      if (key.equals("boot_id")) boot = value;
      else if (key.equals("last_sequence")) {
        try {
          last = Long.parseLong(value);
        } catch (NumberFormatException e) {
          return start(currentBootId);
        }
      } else if (key.startsWith("uuid ")) {
        PciAddress.parse(key.substring(5)).ifPresent(pci -> uuids.put(pci, value));
      }
    }
    if (boot == null || !boot.equals(currentBootId))
      return start(currentBootId); // new boot: sequences restarted
    return new KmsgCursor(boot, last, uuids);
  }
}

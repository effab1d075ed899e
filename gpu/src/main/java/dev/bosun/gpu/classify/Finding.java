package dev.bosun.gpu.classify;

import dev.bosun.gpu.model.PciAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One classified piece of evidence about a GPU (or, with no GPU, the node).
 *
 * @param gpuUuid {@code null} for node-level findings and for kernel faults whose GPU has no known
 *     UUID
 * @param pci {@code null} when unknown
 * @param xid the Xid code for {@link Signal#XID}, else {@code null}
 * @param detail one human sentence: what was seen
 */
public record Finding(
    Signal signal,
    String gpuUuid,
    PciAddress pci,
    Integer xid,
    FaultClass faultClass,
    String action,
    String detail,
    Instant at) {
  public Finding {
    Objects.requireNonNull(signal);
    Objects.requireNonNull(faultClass);
    Objects.requireNonNull(action);
    Objects.requireNonNull(detail);
    Objects.requireNonNull(at);
  }
}

package dev.bosun.operator;

import dev.bosun.api.v1alpha1.QuarantineEffect;
import java.time.Instant;

/**
 * One quarantine Bosun holds now, as read back from the API server: a GPU's DeviceTaintRule or a
 * Node's taint.
 *
 * @param device the DRA device ({@code gpu-3}), or null for the whole node
 * @param faultClass the taint's value
 * @param effect the taint's effect; null for one Bosun does not set (a hand edit)
 * @param since when it began (the {@code bosun.dev/quarantined-at} annotation); null when unknown,
 *     and then it is counted as begun long ago
 */
record Quarantine(
    String node, String device, String faultClass, QuarantineEffect effect, Instant since) {
  boolean isNode() {
    return device == null;
  }
}

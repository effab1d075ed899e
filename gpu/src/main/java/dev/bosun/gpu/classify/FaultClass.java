package dev.bosun.gpu.classify;

import java.util.Locale;

/**
 * What a fault asks of the platform, in increasing order of severity. The five classes of the Xid
 * catalog plus {@link #DEGRADED} for signals that slow a GPU without breaking it.
 */
public enum FaultClass {
  /** Informational; the driver recovered or the event is a side effect of another. */
  IGNORE,
  /** The application did something wrong; restart it, the GPU is fine. */
  APPLICATION,
  /**
   * Slower, not broken (thermal or power slowdown): an event and a metric, no quarantine by
   * default.
   */
  DEGRADED,
  /** The GPU needs a reset: take it (not the node) out of service. */
  GPU,
  /** The node needs attention (reboot, mechanicals, VM restart): take the node out of service. */
  NODE,
  /** Unknown or hardware-replacement fault: treat as a GPU fault and call the vendor. */
  SUPPORT;

  /** The lower-case name used in data files, JSON and metric labels. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FaultClass fromWireName(String name) {
    return valueOf(name.strip().toUpperCase(Locale.ROOT));
  }

  /** Whether the GPU must stop taking work. */
  public boolean breaksTheGpu() {
    return this == GPU || this == NODE || this == SUPPORT;
  }

  public FaultClass worse(FaultClass other) {
    return other.compareTo(this) > 0 ? other : this;
  }
}

package dev.bosun.api.v1alpha1;

/** A GPU's health as the node agent reports it. */
public enum GpuHealthStatus {
  /** Fit for work. */
  Healthy,
  /**
   * Slowed down (thermal or power slowdown) but working: a metric and an event, no quarantine by
   * default.
   */
  Degraded,
  /**
   * Must stop taking work: a Xid that needs a reset or a reboot, uncorrectable ECC, a failed row
   * remap, gone from the bus.
   */
  Unhealthy
}

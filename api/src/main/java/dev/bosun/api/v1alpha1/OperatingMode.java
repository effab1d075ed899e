package dev.bosun.api.v1alpha1;

/** Whether a sandbox's pod runs (agent-sandbox's {@code operatingMode}). */
public enum OperatingMode {
  /** The pod runs; the sandbox answers requests. */
  Running,
  /** The pod is gone; the volume, the Service and the name are kept for a resume. */
  Suspended
}

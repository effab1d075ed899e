package dev.bosun.gpu.classify;

import java.util.Locale;

/** A GPU's health as the node reports it. */
public enum GpuHealth {
  HEALTHY,
  DEGRADED,
  UNHEALTHY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

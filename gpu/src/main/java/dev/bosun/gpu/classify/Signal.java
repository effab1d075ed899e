package dev.bosun.gpu.classify;

/** What kind of evidence a {@link Finding} rests on. */
public enum Signal {
  XID,
  /** An NVSwitch's SXid: the node's, since the switch serves all its GPUs. */
  SXID,
  FELL_OFF_THE_BUS,
  ECC_UNCORRECTABLE,
  ROW_REMAP_PENDING,
  ROW_REMAP_FAILURE,
  RETIRED_PAGES_PENDING,
  GPU_MISSING,
  NVML_FAILURE,
  THERMAL_SLOWDOWN,
  POWER_SLOWDOWN
}

package dev.bosun.api.v1alpha1;

/** The signal an autoscaler follows. */
public enum ScaleMetric {
  /** Average CPU utilisation of the pods, as a percentage of their request. */
  cpu,
  /** Average memory utilisation of the pods, as a percentage of their request. */
  memory,
  /** Average GPU utilisation (dcgm-exporter's DCGM_FI_DEV_GPU_UTIL, through a metrics adapter). */
  gpu
}

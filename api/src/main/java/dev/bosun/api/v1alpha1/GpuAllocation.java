package dev.bosun.api.v1alpha1;

/** How GPUs are requested from the cluster. */
public enum GpuAllocation {
  /**
   * Dynamic Resource Allocation (resource.k8s.io/v1): a ResourceClaimTemplate with CEL selectors.
   */
  DRA,
  /** The device plugin's extended resource, for clusters without DRA. */
  DevicePlugin
}

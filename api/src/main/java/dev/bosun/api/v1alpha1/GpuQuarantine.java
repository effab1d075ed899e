package dev.bosun.api.v1alpha1;

/**
 * The names by which Bosun marks a quarantined GPU or node, shared by whoever sets them (the
 * operator) and whoever reads them ({@code bosun nodes}, tests).
 *
 * <p>A GPU is quarantined by a cluster-scoped {@code DeviceTaintRule} (resource.k8s.io/v1beta2)
 * named {@code bosun-gpu-<node>-<device>}, labelled {@link #MANAGED_BY_LABEL}={@link #MANAGED_BY}
 * and {@link #NODE_LABEL}=node, selecting driver {@link #DRIVER}, pool = node, the device, with the
 * taint {@link #TAINT_KEY}=fault class. A node is quarantined by a Node taint of the same key.
 */
public final class GpuQuarantine {
  public static final String TAINT_KEY = "bosun.dev/gpu-unhealthy";
  public static final String DRIVER = "gpu.nvidia.com";
  public static final String RULE_NAME_PREFIX = "bosun-gpu-";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "bosun";
  public static final String NODE_LABEL = "bosun.dev/node";
  public static final String RULE_API_VERSION = "resource.k8s.io/v1beta2";
  public static final String RULE_KIND = "DeviceTaintRule";

  private GpuQuarantine() {}
}

package dev.bosun.api.v1alpha1;

/** Who may open connections to a serving Workload's port. */
public enum Exposure {
  /** Pods in the Workload's own namespace. */
  Namespace,
  /** Pods in any namespace of the cluster. */
  Cluster
}

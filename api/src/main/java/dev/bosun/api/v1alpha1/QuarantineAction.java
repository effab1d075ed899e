package dev.bosun.api.v1alpha1;

/** What the cluster does about a fault of one class. */
public enum QuarantineAction {
  /** Take only the faulty GPU out of service; the node and its other GPUs keep working. */
  QuarantineGpu,
  /** Take the whole node out of service. */
  QuarantineNode,
  /** Only report: an Event and a metric, nothing leaves service. */
  Report
}

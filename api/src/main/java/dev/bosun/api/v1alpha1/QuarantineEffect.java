package dev.bosun.api.v1alpha1;

/** The taint effect of a quarantine, named as Kubernetes names taint effects. */
public enum QuarantineEffect {
  /** Keep new work off; running pods stay until they finish or a person moves them. */
  NoSchedule,
  /** Keep new work off and evict the running pods that hold the quarantined GPU or node. */
  NoExecute
}

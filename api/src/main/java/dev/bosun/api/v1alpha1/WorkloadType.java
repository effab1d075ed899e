package dev.bosun.api.v1alpha1;

/** What a Workload runs: a long-lived server, or work that completes. */
public enum WorkloadType {
  /** A stateless network service, usually on CPU. */
  Service,
  /** A model server: slow to start, long-lived, usually on GPUs. */
  Inference,
  /** A training or fine-tuning run that completes, possibly across several pods. */
  Training,
  /** A batch job that completes. */
  Batch;

  /** Whether this type runs as a Deployment behind a Service, rather than as a Job. */
  public boolean isServing() {
    return this == Service || this == Inference;
  }
}

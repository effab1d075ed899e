package dev.bosun.api.v1alpha1;

/** What scales Workloads in a cluster. */
public enum ScalingEngine {
  /** KEDA: every signal (through Bosun's external scaler), and scale to zero. */
  KEDA,
  /**
   * The HorizontalPodAutoscaler alone: cpu and memory; other signals only through an external
   * metrics adapter; never to zero.
   */
  HPA
}

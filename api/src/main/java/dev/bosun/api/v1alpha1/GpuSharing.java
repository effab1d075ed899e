package dev.bosun.api.v1alpha1;

/** How a GPU tier's devices are shared between pods. */
public enum GpuSharing {
  /** Each pod gets whole GPUs of its own. */
  Exclusive,
  /** Each pod gets a MIG slice: isolated memory and compute on part of a GPU. */
  MIG,
  /** Pods take turns on a GPU; no memory isolation. */
  TimeSliced,
  /** Pods share a GPU through CUDA's Multi-Process Service; limited isolation. */
  MPS
}

package dev.bosun.gpu.metrics;

import java.util.Objects;

/**
 * A pod (and, where the source knows it, its container) holding a GPU: the {@code namespace},
 * {@code pod} and {@code container} labels dcgm-exporter puts on a GPU's series.
 *
 * @param container {@code null} when the source does not say (a DRA claim names the pod only)
 */
public record GpuHolder(String namespace, String pod, String container) {
  public GpuHolder {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pod, "pod");
  }
}

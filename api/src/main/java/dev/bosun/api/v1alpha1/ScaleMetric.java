package dev.bosun.api.v1alpha1;

/** The signal an autoscaler follows. */
public enum ScaleMetric {
  /** Average CPU utilisation of the pods, as a percentage of their request. */
  cpu,
  /** Average memory utilisation of the pods, as a percentage of their request. */
  memory,
  /** Average GPU utilisation in percent (dcgm-exporter's DCGM_FI_DEV_GPU_UTIL). */
  gpu,
  /** Requests queued per replica (vLLM's {@code vllm:num_requests_waiting}). */
  requestsWaiting,
  /** Requests being served per replica (vLLM's {@code vllm:num_requests_running}). */
  requestsRunning,
  /** KV-cache use per replica in percent (vLLM's {@code vllm:kv_cache_usage_perc}, times 100). */
  kvCacheUsage;

  /** Whether the metric is a percentage (1 to 100), rather than a count of requests. */
  public boolean isPercent() {
    return this != requestsWaiting && this != requestsRunning;
  }

  /** Whether the HorizontalPodAutoscaler reads it from the metrics server (pods' resource use). */
  public boolean isResource() {
    return this == cpu || this == memory;
  }
}

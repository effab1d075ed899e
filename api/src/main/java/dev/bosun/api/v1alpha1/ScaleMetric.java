package dev.bosun.api.v1alpha1;

/** The signal an autoscaler follows. */
public enum ScaleMetric {
  /** Average CPU utilisation of the pods, as a percentage of their request. */
  cpu,
  /** Average memory utilisation of the pods, as a percentage of their request. */
  memory,
  /** Average GPU utilisation (dcgm-exporter's DCGM_FI_DEV_GPU_UTIL, through a metrics adapter). */
  gpu,
  /** Requests queued per replica (vLLM's {@code vllm:num_requests_waiting}), through KEDA. */
  requestsWaiting,
  /** Requests being served per replica (vLLM's {@code vllm:num_requests_running}), through KEDA. */
  requestsRunning,
  /**
   * KV-cache use per replica in percent (vLLM's {@code vllm:kv_cache_usage_perc}), through KEDA.
   */
  kvCacheUsage
}

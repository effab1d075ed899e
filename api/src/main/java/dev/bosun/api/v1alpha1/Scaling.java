package dev.bosun.api.v1alpha1;

/**
 * How autoscaling looks in the cluster, shared by the compiler that emits KEDA's and the HPA's
 * objects, the scaler that feeds KEDA, the router that holds requests for a Workload at zero, the
 * stand-in model servers and the CLI.
 */
public final class Scaling {
  /** KEDA's API: the compiler emits its ScaledObjects, the operator asks whether it is served. */
  public static final String KEDA_API_VERSION = "keda.sh/v1alpha1";

  public static final String SCALED_OBJECT_KIND = "ScaledObject";

  /** KEDA's trigger type for an external scaler that pushes activity. */
  public static final String KEDA_TRIGGER_TYPE = "external-push";

  /** Trigger metadata: where KEDA dials Bosun's scaler ({@code host:port}, gRPC). */
  public static final String METADATA_SCALER_ADDRESS = "scalerAddress";

  /**
   * Trigger metadata: the Workload whose pods the signal is read from (its namespace is KEDA's).
   */
  public static final String METADATA_WORKLOAD = "workload";

  /** Trigger metadata: the signal, a {@link ScaleMetric} name. */
  public static final String METADATA_METRIC = "metric";

  /** Trigger metadata: the target per replica, as a decimal. */
  public static final String METADATA_TARGET = "target";

  /**
   * The external metric an external-metrics adapter serves to the HPA (Environment {@code
   * autoscaling.externalMetrics: true}): a Workload's signal, averaged per replica, selected by the
   * labels {@link #METADATA_WORKLOAD} and {@link #METADATA_METRIC}.
   */
  public static final String EXTERNAL_METRIC = "bosun_workload_signal";

  /**
   * An annotation on a Workload's autoscaler: what the cluster lacks of what the tier asks for, and
   * what the Workload scales on instead; {@code bosun render} shows it, the operator's status says
   * it too.
   */
  public static final String FALLBACK_ANNOTATION = "bosun.dev/scaling-fallback";

  /** KEDA names the HPA it makes for a ScaledObject {@code keda-hpa-<ScaledObject name>}. */
  public static final String KEDA_HPA_PREFIX = "keda-hpa-";

  /** vLLM's gauge of requests queued, waiting for a slot; the inference signal Bosun scales on. */
  public static final String VLLM_REQUESTS_WAITING = "vllm:num_requests_waiting";

  /** vLLM's gauge of requests being served. */
  public static final String VLLM_REQUESTS_RUNNING = "vllm:num_requests_running";

  /** vLLM's gauge of KV-cache use, a fraction from 0 to 1. */
  public static final String VLLM_KV_CACHE_USAGE = "vllm:kv_cache_usage_perc";

  /**
   * On every object the compiler makes for a Workload, pods included: the Workload's name (as a
   * label value), by which the stand-in model servers and the scaler find its pods.
   */
  public static final String WORKLOAD_LABEL = "bosun.dev/workload";

  /** On every object of a Workload: its type in lower case, such as {@code inference}. */
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";

  /** The router's path prefix for Workloads: {@code /workloads/<namespace>/<name>/<rest>}. */
  public static final String ROUTER_WORKLOAD_PREFIX = "/workloads/";

  /** Where KEDA reaches the scaler in a cluster: the router's Service, gRPC port. */
  public static final String DEFAULT_SCALER_ADDRESS = "bosun-sandbox-router.bosun-system.svc:9090";

  private Scaling() {}
}

package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Scaling;

/**
 * The part of vLLM's Prometheus exposition ({@code GET /metrics}) that Bosun scales on, with vLLM's
 * names, help texts, types and labels: {@code model_name} (the served model) and {@code engine}
 * (the engine's index, {@value #ENGINE} for a server with one engine), sorted by name as the
 * Prometheus client vLLM uses writes them; values as floats, as it writes them too.
 */
public final class VllmMetrics {

  /** The engine index of a server with one engine. */
  static final String ENGINE = "0";

  /** The content type of the text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private VllmMetrics() {}

  /** The exposition of a server serving {@code model} with {@code load}. */
  public static String exposition(String model, ModelServerLoad load) {
    String labels = "{engine=\"" + ENGINE + "\",model_name=\"" + escaped(model) + "\"}";
    return gauge(
            Scaling.VLLM_REQUESTS_RUNNING,
            "Number of requests in model execution batches.",
            labels,
            load.running())
        + gauge(
            Scaling.VLLM_REQUESTS_WAITING,
            "Number of requests waiting to be processed.",
            labels,
            load.waiting())
        + gauge(
            Scaling.VLLM_KV_CACHE_USAGE,
            "KV-cache usage. 1 means 100 percent usage.",
            labels,
            load.kvCacheUsage());
  }

  private static String gauge(String name, String help, String labels, double value) {
    return "# HELP "
        + name
        + " "
        + help
        + "\n# TYPE "
        + name
        + " gauge\n"
        + name
        + labels
        + " "
        + value
        + "\n";
  }

  /** A label value as the exposition format escapes it: backslash, double quote and newline. */
  static String escaped(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}

package dev.bosun.scaler;

import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.Scaling;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one KEDA trigger asks of the scaler, read from its metadata ({@link Scaling}'s keys): the
 * Workload in the ScaledObject's namespace, the signal and the target per replica.
 */
public record ScalerRequest(WorkloadKey workload, ScaleMetric metric, double target) {

  /** The largest target accepted: past it the HPA would never scale up. */
  static final double MAX_TARGET = 1_000_000;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");

  /** A trigger's metadata the scaler cannot use; the message starts with the key. */
  public static final class InvalidMetadata extends IllegalArgumentException {
    public InvalidMetadata(String key, String reason) {
      super(key + ": " + reason);
    }
  }

  /**
   * The signals a push scaler serves: the pods' vLLM gauges and their GPUs' utilisation (from the
   * node agents); not the pods' resource use, which the HPA reads from the metrics server.
   */
  static boolean served(ScaleMetric metric) {
    return switch (metric) {
      case requestsWaiting, requestsRunning, kvCacheUsage, gpu -> true;
      case cpu, memory -> false;
    };
  }

  /**
   * Reads the trigger's metadata for the ScaledObject in {@code namespace}.
   *
   * @throws InvalidMetadata naming the key that is missing or wrong
   */
  public static ScalerRequest parse(String namespace, Map<String, String> metadata) {
    if (namespace == null || !NAME.matcher(namespace).matches() || namespace.length() > 63) {
      throw new InvalidMetadata("namespace", "'" + namespace + "' is not a namespace name");
    }
    String workload = required(metadata, Scaling.METADATA_WORKLOAD);
    if (!NAME.matcher(workload).matches()) {
      throw new InvalidMetadata(
          Scaling.METADATA_WORKLOAD, "'" + workload + "' is not a Workload name");
    }
    String metricName = required(metadata, Scaling.METADATA_METRIC);
    ScaleMetric metric =
        Arrays.stream(ScaleMetric.values())
            .filter(m -> m.name().equals(metricName))
            .findFirst()
            .orElseThrow(
                () ->
                    new InvalidMetadata(
                        Scaling.METADATA_METRIC,
                        "'" + metricName + "' is not one of " + servedNames()));
    if (!served(metric)) {
      throw new InvalidMetadata(
          Scaling.METADATA_METRIC,
          metric
              + " is not served by Bosun's push scaler (the HPA reads it from the metrics server);"
              + " it serves "
              + servedNames());
    }
    String targetText = required(metadata, Scaling.METADATA_TARGET);
    if (!DECIMAL.matcher(targetText).matches()) {
      throw new InvalidMetadata(
          Scaling.METADATA_TARGET, "'" + targetText + "' is not a decimal such as 5 or 0.5");
    }
    double target = Double.parseDouble(targetText);
    if (target <= 0 || target > MAX_TARGET) {
      throw new InvalidMetadata(
          Scaling.METADATA_TARGET, targetText + " must be more than 0 and at most 1000000");
    }
    return new ScalerRequest(new WorkloadKey(namespace, workload), metric, target);
  }

  private static String required(Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null || value.isBlank()) throw new InvalidMetadata(key, "is required");
    return value.strip();
  }

  private static String servedNames() {
    return Arrays.stream(ScaleMetric.values())
        .filter(ScalerRequest::served)
        .map(Enum::name)
        .collect(Collectors.joining(", "));
  }
}

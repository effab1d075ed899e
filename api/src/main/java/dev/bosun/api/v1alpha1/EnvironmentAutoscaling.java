package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** What the cluster offers to scale the Workloads of an Environment, and a cap on them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentAutoscaling(
    @JsonPropertyDescription("KEDA or HPA: what the cluster runs; HPA when absent.")
        ScalingEngine engine,
    @JsonPropertyDescription(
            "Whether an external-metrics adapter serves bosun_workload_signal to the HPA (engine"
                + " HPA); false when absent.")
        Boolean externalMetrics,
    @Pattern(Patterns.HOST_PORT)
        @JsonPropertyDescription(
            "host:port of Bosun's KEDA external scaler (engine KEDA); the router's Service when"
                + " absent.")
        String scalerAddress,
    @Min(1)
        @Max(1000)
        @JsonPropertyDescription(
            "The most replicas any Workload here may ask for; no cap when absent.")
        Integer maxReplicas) {

  /** What a cluster without an Environment, or an Environment that says nothing, has. */
  public static final EnvironmentAutoscaling DEFAULTS =
      new EnvironmentAutoscaling(ScalingEngine.HPA, false, Scaling.DEFAULT_SCALER_ADDRESS, null);

  public ScalingEngine engineOrDefault() {
    return engine == null ? ScalingEngine.HPA : engine;
  }

  public boolean hasExternalMetrics() {
    return Boolean.TRUE.equals(externalMetrics);
  }

  public String scalerAddressOrDefault() {
    return scalerAddress == null ? Scaling.DEFAULT_SCALER_ADDRESS : scalerAddress;
  }
}

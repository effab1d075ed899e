package dev.bosun.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.Workload;

/**
 * Reads the cluster's GpuHealthPolicy named {@value GpuHealthPolicy#DEFAULT}. A GET, polled: one
 * small object each node reads twice a minute costs the API server less than a watch per node held
 * open for the life of the fleet.
 */
final class PolicyReader {
  static final String PATH =
      "/apis/"
          + Workload.GROUP
          + "/"
          + Workload.VERSION
          + "/gpuhealthpolicies/"
          + GpuHealthPolicy.DEFAULT;

  // A newer policy may carry fields this agent does not know; it applies the ones it does.
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final KubeApi api;

  PolicyReader(KubeApi api) {
    this.api = api;
  }

  /** The policy's spec; {@code null} when the cluster has no policy, which means the defaults. */
  GpuHealthPolicySpec read() {
    KubeApi.Response got = api.get(PATH);
    if (got.code() == 404) return null;
    if (!got.ok())
      throw new KubePublisher.PublishException(
          "cannot read GpuHealthPolicy " + GpuHealthPolicy.DEFAULT + ": " + got.code(), null);
    try {
      JsonNode spec = JSON.readTree(got.body()).path("spec");
      return spec.isMissingNode() ? null : JSON.treeToValue(spec, GpuHealthPolicySpec.class);
    } catch (JsonProcessingException e) {
      throw new KubePublisher.PublishException(
          "cannot read GpuHealthPolicy " + GpuHealthPolicy.DEFAULT + ": " + AgentMain.describe(e),
          e);
    }
  }
}

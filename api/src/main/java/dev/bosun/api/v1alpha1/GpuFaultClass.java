package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The fault classes of the node agent's classifier, by their wire names. The api module is
 * independent of the gpu module, so the names are repeated here; the agent's mapping test proves
 * both enums name the same classes.
 */
public enum GpuFaultClass {
  @JsonProperty("ignore")
  IGNORE,
  @JsonProperty("application")
  APPLICATION,
  @JsonProperty("degraded")
  DEGRADED,
  @JsonProperty("gpu")
  GPU,
  @JsonProperty("node")
  NODE,
  @JsonProperty("support")
  SUPPORT
}

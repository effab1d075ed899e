package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Where a tier's pods may run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(
    @JsonPropertyDescription("Node labels a pod's node must have.")
        Map<String, String> nodeSelector,
    @JsonPropertyDescription("Taints a pod tolerates, such as the GPU nodes' nvidia.com/gpu taint.")
        List<Toleration> tolerations,
    @JsonPropertyDescription("The PriorityClass of the pods.") String priorityClassName) {

  public Placement {
    nodeSelector = nodeSelector == null ? null : Map.copyOf(nodeSelector);
    tolerations = tolerations == null ? null : List.copyOf(tolerations);
  }
}

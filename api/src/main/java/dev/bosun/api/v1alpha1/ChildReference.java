package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A namespaced object Bosun applied for the resource whose status lists it. The list is the owner's
 * inventory: an object that leaves it is deleted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChildReference(
    @Required @JsonPropertyDescription("The object's apiVersion, e.g. apps/v1.") String apiVersion,
    @Required @JsonPropertyDescription("The object's kind, e.g. Deployment.") String kind,
    @Required @JsonPropertyDescription("The object's namespace.") String namespace,
    @Required @JsonPropertyDescription("The object's name.") String name) {

  /** {@code apiVersion/kind namespace/name}, for messages. */
  @Override
  public String toString() {
    return apiVersion + "/" + kind + " " + namespace + "/" + name;
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Which node the object describes. The name says it too; the field is there so that selectors and
 * CEL rules can use it, and it cannot change, since an object that moved to another node would
 * carry the first node's faults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.nodeName == oldSelf.nodeName",
    message = "nodeName is immutable",
    fieldPath = ".nodeName",
    reason = "FieldValueForbidden")
public record GpuNodeHealthSpec(
    @Required
        @Pattern(GpuNodeHealthSpec.NODE_NAME)
        @Size(max = 253)
        @JsonPropertyDescription("The Node this object describes; equal to metadata.name.")
        String nodeName) {

  /** A DNS-1123 subdomain, what a Node's name is. */
  public static final String NODE_NAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
}

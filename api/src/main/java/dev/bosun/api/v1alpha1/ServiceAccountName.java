package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A ServiceAccount by namespace and name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceAccountName(
    @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Its namespace.")
        String namespace,
    @Required @Pattern(Patterns.DNS_SUBDOMAIN) @JsonPropertyDescription("Its name.") String name) {

  /** The prefix of a ServiceAccount's user name in the API server. */
  public static final String USER_PREFIX = "system:serviceaccount:";

  /** The user name the API server knows it by: {@code system:serviceaccount:<namespace>:<name>}. */
  public String userName() {
    return USER_PREFIX + namespace + ":" + name;
  }
}

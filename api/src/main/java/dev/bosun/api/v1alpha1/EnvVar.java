package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An environment variable: a literal value, or a key of a Secret (never both). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.value) != has(self.secret)",
    message = "exactly one of value and secret must be set")
public record EnvVar(
    @Required @Pattern(Patterns.ENV_NAME) String name,
    @JsonPropertyDescription("A literal value.") String value,
    @JsonPropertyDescription("A key of a Secret whose value the variable takes.")
        SecretKeyReference secret) {

  public static EnvVar literal(String name, String value) {
    return new EnvVar(name, value, null);
  }

  public static EnvVar fromSecret(String name, SecretKeyReference secret) {
    return new EnvVar(name, null, secret);
  }
}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Which HTTP endpoints get malformed requests. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.paths.all(p, p.startsWith('/') && p.size() <= 256)",
    message = MalformedInputGate.PATH_MESSAGE,
    fieldPath = ".paths",
    reason = "FieldValueInvalid")
public record MalformedInputGate(
    @Required
        @Size(min = 1, max = MalformedInputGate.MAX_PATHS)
        @JsonPropertyDescription(
            "Paths that take a JSON POST, such as /v1/completions: each gets a truncated, an"
                + " oversized, a wrongly typed, a wrongly encoded and a wrongly labelled body.")
        List<String> paths) {

  public static final int MAX_PATHS = 16;
  public static final String PATH_MESSAGE =
      "every path must start with / and be at most 256 characters";

  public MalformedInputGate {
    paths = paths == null ? null : List.copyOf(paths);
  }
}

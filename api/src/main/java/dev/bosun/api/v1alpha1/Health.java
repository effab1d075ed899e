package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The HTTP endpoint that says whether a pod is ready to serve. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Health(
    @Required
        @Pattern(Patterns.HTTP_PATH)
        @JsonPropertyDescription("An HTTP path on the Workload's port, such as /healthz.")
        String path) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Whether one replica is taken away during the load. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartialOutageGate(
    @Required
        @JsonPropertyDescription(
            "true: one pod of the Workload is deleted a third of the way into a second load run")
        Boolean enabled) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** What the cluster does about one fault class. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultResponse(
    @Required @JsonPropertyDescription("ignore, application, degraded, gpu, node or support.")
        GpuFaultClass faultClass,
    @Required @JsonPropertyDescription("QuarantineGpu, QuarantineNode or Report.")
        QuarantineAction action) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** One Xid code classified by the platform team, beating the catalog and every context rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record XidOverride(
    @Required @Min(1) @Max(65535) @JsonPropertyDescription("The Xid code, such as 79.") Integer xid,
    @Required @JsonPropertyDescription("ignore, application, degraded, gpu, node or support.")
        GpuFaultClass faultClass) {}

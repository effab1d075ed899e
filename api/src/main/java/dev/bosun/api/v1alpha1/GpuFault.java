package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One classified fault: what the driver or the telemetry said, and what the classifier made of it.
 * The class is the one remediation acts on; the action is the catalog's advice, for people.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuFault(
    @JsonPropertyDescription(
            "The Xid code; absent for faults that are not Xids (ECC, row remap, missing GPU, a fall off the bus without a code).")
        Integer xid,
    @Required
        @Size(max = 32)
        @JsonPropertyDescription(
            "The evidence: XID, FELL_OFF_THE_BUS, ECC_UNCORRECTABLE, ROW_REMAP_PENDING, ROW_REMAP_FAILURE, GPU_MISSING, NVML_FAILURE, THERMAL_SLOWDOWN, ...")
        String signal,
    @JsonProperty("class")
        @Required
        @Pattern(GpuFault.CLASSES)
        @JsonPropertyDescription(
            "ignore, application, degraded, gpu (reset the GPU), node (reboot or service the node) or support (call the vendor).")
        String faultClass,
    @Size(max = 512) @JsonPropertyDescription("What the Xid catalog recommends.") String action,
    @Size(max = 512)
        @JsonPropertyDescription(
            "Why it got this class, such as a repeat count or the Xid it follows.")
        String reason,
    @Required @JsonPropertyDescription("When the agent classified it (RFC 3339).") String at,
    @Size(max = 1024)
        @JsonPropertyDescription(
            "What was seen: the driver's message (for a Xid) or the reading, cut at 1024 characters.")
        String text) {

  public static final String CLASSES = "^(ignore|application|degraded|gpu|node|support)$";
}

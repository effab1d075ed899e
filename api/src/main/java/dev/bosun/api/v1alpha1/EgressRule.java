package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * One destination a Workload may open connections to. NetworkPolicy knows no DNS names, so a
 * destination is a CIDR block; a block that covers private ranges has them, and the cloud metadata
 * address, cut out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressRule(
    @Required
        @Pattern(Patterns.CIDR)
        @JsonPropertyDescription("A CIDR block, such as 203.0.113.0/24 or 0.0.0.0/0.")
        String cidr,
    @JsonPropertyDescription("TCP ports; every port when absent.") List<Integer> ports) {}

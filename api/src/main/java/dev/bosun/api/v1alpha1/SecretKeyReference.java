package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the Workload's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretKeyReference(
    @Required @Pattern(Patterns.DNS_LABEL) String name, @Required String key) {}

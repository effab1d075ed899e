package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A reference to an object of a known kind in the referrer's namespace, by name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectName(@Required @Pattern(Patterns.DNS_LABEL) String name) {}

package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the operator observed of an Environment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentStatus(Long observedGeneration, List<Condition> conditions) {}

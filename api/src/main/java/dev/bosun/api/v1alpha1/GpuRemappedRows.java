package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * HBM row remapping (A100 and later): a pending remap waits for a GPU reset; a failure means the
 * GPU ran out of spare rows and should leave service for good.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuRemappedRows(
    @Min(0) @JsonPropertyDescription("Rows remapped for correctable errors.") Long correctable,
    @Min(0) @JsonPropertyDescription("Rows remapped for uncorrectable errors.") Long uncorrectable,
    @JsonPropertyDescription("A remap waits for a GPU reset.") Boolean pending,
    @JsonPropertyDescription("Remapping failed: no spare rows left.") Boolean failure) {}

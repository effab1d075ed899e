package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * ECC error totals. Volatile counts restart when the driver loads; aggregate counts last the
 * board's lifetime. Corrected is single-bit (SBE), uncorrected double-bit (DBE).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuEccCounts(
    @Min(0) @JsonPropertyDescription("Single-bit errors since the driver loaded.")
        Long volatileCorrected,
    @Min(0) @JsonPropertyDescription("Double-bit errors since the driver loaded.")
        Long volatileUncorrected,
    @Min(0) @JsonPropertyDescription("Single-bit errors over the board's life.")
        Long aggregateCorrected,
    @Min(0) @JsonPropertyDescription("Double-bit errors over the board's life.")
        Long aggregateUncorrected) {}

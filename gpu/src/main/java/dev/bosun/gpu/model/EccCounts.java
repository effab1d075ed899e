package dev.bosun.gpu.model;

/**
 * ECC error totals. Volatile counts reset when the driver loads; aggregate counts live for the
 * board's lifetime. Corrected = single-bit (SBE), uncorrected = double-bit (DBE) in dcgm-exporter's
 * vocabulary.
 */
public record EccCounts(
    long volatileCorrected,
    long volatileUncorrected,
    long aggregateCorrected,
    long aggregateUncorrected) {
  public static final EccCounts ZERO = new EccCounts(0, 0, 0, 0);

  public EccCounts {
    if (volatileCorrected < 0
        || volatileUncorrected < 0
        || aggregateCorrected < 0
        || aggregateUncorrected < 0) {
      throw new IllegalArgumentException("negative ECC count");
    }
  }
}

package dev.bosun.gpu.model;

/**
 * HBM row remapping (A100 and later). {@code pending}: a remap waits for a GPU reset to take
 * effect. {@code failure}: the GPU ran out of spare rows and should leave service for good.
 */
public record RemappedRows(long correctable, long uncorrectable, boolean pending, boolean failure) {
  public static final RemappedRows NONE = new RemappedRows(0, 0, false, false);

  public RemappedRows {
    if (correctable < 0 || uncorrectable < 0)
      throw new IllegalArgumentException("negative remapped rows");
  }
}

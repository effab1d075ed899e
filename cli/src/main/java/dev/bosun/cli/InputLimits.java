package dev.bosun.cli;

/** How much the CLI reads in one call, so that memory stays bounded whatever it is given. */
public final class InputLimits {
  /**
   * Manifest bytes in one call, every input together (files, directories, {@code --env}, {@code
   * --tiers}, standard input): the most the manifest reader accepts in one text.
   */
  public static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;

  private InputLimits() {}
}

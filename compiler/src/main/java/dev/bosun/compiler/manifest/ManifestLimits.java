package dev.bosun.compiler.manifest;

import java.util.Locale;

/**
 * The most one call of {@code bosun render} or {@code bosun validate} reads and writes, all of its
 * inputs ({@code -f}, {@code --tiers}, {@code --env}) together. Each limit is checked before the
 * work it protects, and each refusal names it; the README's "Limits" table says the same in words.
 *
 * <p>Real manifests stay far below every limit (a Workload is about 20 lines, 4 levels deep), and
 * the worst input at each limit still reads in a second or two, well within a 512 MiB heap. None
 * can be raised: a call over a limit is split into several calls.
 */
public final class ManifestLimits {
  /**
   * Bytes of input per call. The CLI's reader enforces it as it reads; {@link ManifestReader}
   * refuses a longer text (UTF-8 never takes fewer bytes than Java takes chars).
   */
  public static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;

  /** YAML documents per call, empty ones included. */
  public static final int MAX_DOCUMENTS = 5_000;

  /**
   * YAML nodes (scalars, sequences, mappings) per call, an alias counting as the nodes it repeats.
   * The YAML library takes a few microseconds and a few hundred bytes for each, so the input limit
   * alone would let 16 MiB of one-letter scalars take half a minute and more than 512 MiB. The
   * example Workloads are 30 to 60 nodes each.
   */
  public static final int MAX_NODES = 500_000;

  /**
   * Levels of sequences and mappings in a document, aliases expanded. The YAML library builds
   * nested collections by recursion, and a Kubernetes object is rarely ten levels deep.
   */
  public static final int MAX_NESTING_DEPTH = 64;

  /**
   * Characters of one scalar, key or value: the API server's budget for all annotations of an
   * object together.
   */
  public static final int MAX_SCALAR_CHARS = 256 * 1024;

  /**
   * Aliases per call, of scalars and collections alike. An alias inside an aliased collection
   * counts each time the collection is repeated, so an alias bomb is refused at its first levels.
   */
  public static final int MAX_ALIASES = 1_000;

  /** Characters that {@code bosun render} writes, counted as it writes them. */
  public static final int MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

  private ManifestLimits() {}

  /**
   * What the inputs read so far in a call used of its limits; a later input starts from it. Nodes
   * and aliases are counted as expanded.
   */
  public record Usage(int documents, int nodes, int aliases) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage plus(Usage other) {
      return new Usage(documents + other.documents, nodes + other.nodes, aliases + other.aliases);
    }

    /** Whether a limit was passed: that input was refused, and the call reads nothing more. */
    boolean passed() {
      return documents > MAX_DOCUMENTS || nodes > MAX_NODES || aliases > MAX_ALIASES;
    }
  }

  /** A size as messages write it: {@code 16 MiB}. */
  static String mebibytes(long size) {
    return size / (1024 * 1024) + " MiB";
  }

  /** A count as messages write it, the same in every locale: {@code 1,000,000}. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}

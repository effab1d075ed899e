package dev.bosun.localcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * metrics-server, as {@code hack/build-tools.sh metrics-server} builds it from its Go module and
 * caches it under {@code ${XDG_CACHE_HOME:-~/.cache}/bosun/tools/metrics-server/<version>}.
 */
public record MetricsServerBinary(Path directory) {

  /** The release the script builds by default; the cache is keyed by it. */
  public static final String VERSION = "0.8.0";

  private static final String NAME = "metrics-server";

  public Path executable() {
    return directory.resolve("bin").resolve(NAME);
  }

  /** The cached build, if one finished for {@link #VERSION}. */
  public static Optional<MetricsServerBinary> cached() {
    var binary = new MetricsServerBinary(cacheDirectory());
    // The script writes VERSION last, so its presence means the build completed.
    boolean complete =
        Files.isRegularFile(binary.directory.resolve("VERSION"))
            && Files.isExecutable(binary.executable());
    return complete ? Optional.of(binary) : Optional.empty();
  }

  /**
   * The cached build, building it first when it is missing (minutes on a first build); each line
   * the script prints goes to {@code progress}.
   */
  public static MetricsServerBinary ensureBuilt(Consumer<String> progress) {
    return BuildScripts.ensureBuilt(
        MetricsServerBinary::cached,
        "hack/build-tools.sh",
        List.of(NAME),
        cacheDirectory(),
        "Building metrics-server " + VERSION + " from its Go module (a first build takes minutes)",
        progress);
  }

  static Path cacheDirectory() {
    return BuildScripts.cacheHome().resolve("tools").resolve(NAME).resolve(VERSION);
  }
}

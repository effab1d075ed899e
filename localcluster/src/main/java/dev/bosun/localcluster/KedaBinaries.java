package dev.bosun.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * KEDA's operator, its external-metrics API server (the adapter) and its CRDs, as {@code
 * hack/build-keda.sh} builds them from the Go module and caches them under {@code
 * ${XDG_CACHE_HOME:-~/.cache}/bosun/keda/<version>}.
 */
public record KedaBinaries(Path directory) {

  /** The KEDA release the script builds by default; the cache is keyed by it. */
  public static final String KEDA_VERSION = "2.21.0";

  private static final String BUILD_SCRIPT = "hack/build-keda.sh";

  public Path operator() {
    return directory.resolve("bin/keda-operator");
  }

  public Path adapter() {
    return directory.resolve("bin/keda-adapter");
  }

  /** KEDA's CustomResourceDefinitions, one per file. */
  public List<Path> crds() {
    try (Stream<Path> files = Files.list(directory.resolve("crds"))) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list KEDA's CRDs in " + directory, e);
    }
  }

  /** The cached build, if one finished for {@link #KEDA_VERSION}. */
  public static Optional<KedaBinaries> cached() {
    var binaries = new KedaBinaries(cacheDirectory());
    // The script writes VERSION last, so its presence means the build completed.
    boolean complete =
        Files.isRegularFile(binaries.directory.resolve("VERSION"))
            && Files.isExecutable(binaries.operator())
            && Files.isExecutable(binaries.adapter())
            && Files.isDirectory(binaries.directory.resolve("crds"));
    return complete ? Optional.of(binaries) : Optional.empty();
  }

  /**
   * The cached build, building it first when it is missing (minutes on a first build); each line
   * the script prints goes to {@code progress}.
   */
  public static KedaBinaries ensureBuilt(Consumer<String> progress) {
    return BuildScripts.ensureBuilt(
        KedaBinaries::cached,
        BUILD_SCRIPT,
        cacheDirectory(),
        "Building KEDA "
            + KEDA_VERSION
            + " from its Go module (a first build takes several minutes)",
        progress);
  }

  static Path cacheDirectory() {
    return BuildScripts.cacheHome().resolve("keda").resolve(KEDA_VERSION);
  }
}

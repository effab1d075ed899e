package dev.bosun.localcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * go-containerregistry's {@code crane}, as {@code hack/build-tools.sh crane} builds it from the Go
 * module and caches it under {@code ${XDG_CACHE_HOME:-~/.cache}/bosun/tools/crane/<version>}: the
 * local cluster's OCI registry ({@code crane registry serve}) and the client that pushes Bosun's
 * images to it.
 */
public record CraneBinaries(Path directory) {

  /** The release the script builds by default; the cache is keyed by it. */
  public static final String CRANE_VERSION = "0.22.1";

  public Path crane() {
    return directory.resolve("bin/crane");
  }

  /** The cached build, if one finished for {@link #CRANE_VERSION}. */
  public static Optional<CraneBinaries> cached() {
    var binaries = new CraneBinaries(cacheDirectory());
    // The script writes VERSION last, so its presence means the build completed.
    boolean complete =
        Files.isRegularFile(binaries.directory.resolve("VERSION"))
            && Files.isExecutable(binaries.crane());
    return complete ? Optional.of(binaries) : Optional.empty();
  }

  /** The cached build, building it first when it is missing (a minute or two on a first build). */
  public static CraneBinaries ensureBuilt(Consumer<String> progress) {
    return BuildScripts.ensureBuilt(
        CraneBinaries::cached,
        "hack/build-tools.sh",
        cacheDirectory(),
        "Building crane " + CRANE_VERSION + " from its Go module",
        progress);
  }

  static Path cacheDirectory() {
    return BuildScripts.cacheHome().resolve("tools").resolve("crane").resolve(CRANE_VERSION);
  }
}

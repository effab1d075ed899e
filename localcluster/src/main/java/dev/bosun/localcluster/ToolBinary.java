package dev.bosun.localcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A release tool that {@code hack/build-tools.sh} builds from its Go module and caches under {@code
 * ${XDG_CACHE_HOME:-~/.cache}/bosun/tools/<tool>/<version>/bin/<tool>}: Helm (the chart), crane
 * (the local registry), promtool (the alert rules) and metrics-server (HPA on cpu).
 *
 * @param tool the script's name for it, which is also the binary's
 * @param version the version the script builds by default; the cache is keyed by it
 */
public record ToolBinary(String tool, String version) {

  public static final ToolBinary HELM = new ToolBinary("helm", "3.22.0");
  public static final ToolBinary CRANE = new ToolBinary("crane", "0.22.1");
  public static final ToolBinary PROMTOOL = new ToolBinary("promtool", "0.316.0");
  public static final ToolBinary METRICS_SERVER = new ToolBinary("metrics-server", "0.8.0");

  private static final String BUILD_SCRIPT = "hack/build-tools.sh";

  /** The cached binary, if a build of {@link #version} finished. */
  public Optional<Path> cached() {
    Path directory = cacheDirectory();
    Path binary = directory.resolve("bin").resolve(tool);
    // The script writes VERSION last, so its presence means the build completed.
    boolean complete =
        Files.isRegularFile(directory.resolve("VERSION")) && Files.isExecutable(binary);
    return complete ? Optional.of(binary) : Optional.empty();
  }

  /**
   * The cached binary, building it first when it is missing (minutes on a first build); each line
   * the script prints goes to {@code progress}.
   */
  public Path ensureBuilt(Consumer<String> progress) {
    return BuildScripts.ensureBuilt(
        this::cached,
        BUILD_SCRIPT,
        List.of(tool),
        cacheDirectory(),
        "Building " + tool + " " + version + " from its Go module (a first build takes minutes)",
        progress);
  }

  Path cacheDirectory() {
    return BuildScripts.cacheHome().resolve("tools").resolve(tool).resolve(version);
  }
}

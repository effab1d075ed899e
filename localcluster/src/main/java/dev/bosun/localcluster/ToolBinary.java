package dev.bosun.localcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A tool the build and tests use, cached under {@code
 * ${XDG_CACHE_HOME:-~/.cache}/bosun/tools/<tool>/<version>/bin/<tool>} by the script that makes it:
 * {@code hack/build-tools.sh} builds Helm (the chart), crane (the local registry), promtool (the
 * alert rules) and metrics-server (HPA on cpu) from their Go modules; {@code
 * hack/install-mcp-conformance.sh} installs the MCP conformance suite and the Node.js it runs on
 * from the npm registry.
 *
 * @param tool the script's name for it, which is also the binary's
 * @param version the version the script makes by default; the cache is keyed by it
 * @param script the script that makes it, relative to a Bosun checkout; it takes the tool's name
 */
public record ToolBinary(String tool, String version, String script) {

  private static final String GO_BUILD = "hack/build-tools.sh";

  public static final ToolBinary HELM = new ToolBinary("helm", "3.22.0", GO_BUILD);
  public static final ToolBinary CRANE = new ToolBinary("crane", "0.22.1", GO_BUILD);
  public static final ToolBinary PROMTOOL = new ToolBinary("promtool", "0.316.0", GO_BUILD);
  public static final ToolBinary METRICS_SERVER =
      new ToolBinary("metrics-server", "0.8.0", GO_BUILD);
  public static final ToolBinary MCP_CONFORMANCE =
      new ToolBinary("mcp-conformance", "0.1.16", "hack/install-mcp-conformance.sh");

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
   * The cached binary, made first when it is missing (minutes on a first build); each line the
   * script prints goes to {@code progress}.
   */
  public Path ensureBuilt(Consumer<String> progress) {
    return BuildScripts.ensureBuilt(
        this::cached,
        script,
        List.of(tool),
        cacheDirectory(),
        "Making " + tool + " " + version + " with " + script + " (the first time takes minutes)",
        progress);
  }

  Path cacheDirectory() {
    return BuildScripts.cacheHome().resolve("tools").resolve(tool).resolve(version);
  }
}

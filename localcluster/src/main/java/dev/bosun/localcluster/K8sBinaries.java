package dev.bosun.localcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Kubernetes, etcd and KWOK binaries that {@code hack/build-k8s.sh} builds from their Go
 * modules and caches under {@code ${XDG_CACHE_HOME:-~/.cache}/bosun/k8s/<version>/bin}.
 *
 * <p>The script owns the versions and the build; this class only finds its output, and runs it when
 * the output is missing.
 */
public record K8sBinaries(Path directory) {

  /** The Kubernetes release the script builds by default; the cache is keyed by it. */
  public static final String KUBERNETES_VERSION = "1.36.3";

  public static final List<String> COMPONENTS =
      List.of(
          "etcd",
          "kube-apiserver",
          "kube-controller-manager",
          "kube-scheduler",
          "kubectl",
          "kwok",
          "kwokctl");

  private static final String BUILD_SCRIPT = "hack/build-k8s.sh";

  public Path etcd() {
    return path("etcd");
  }

  public Path kubeApiserver() {
    return path("kube-apiserver");
  }

  public Path kubeControllerManager() {
    return path("kube-controller-manager");
  }

  public Path kubeScheduler() {
    return path("kube-scheduler");
  }

  public Path kubectl() {
    return path("kubectl");
  }

  public Path kwok() {
    return path("kwok");
  }

  public Path kwokctl() {
    return path("kwokctl");
  }

  public Path path(String component) {
    return directory.resolve(component);
  }

  /** The cached binaries, if a build finished for {@link #KUBERNETES_VERSION}. */
  public static Optional<K8sBinaries> cached() {
    var binaries = new K8sBinaries(cacheDirectory());
    // The script writes VERSIONS last, so its presence means the build completed.
    boolean complete =
        Files.isRegularFile(binaries.directory.resolveSibling("VERSIONS"))
            && COMPONENTS.stream().allMatch(c -> Files.isExecutable(binaries.path(c)));
    return complete ? Optional.of(binaries) : Optional.empty();
  }

  /**
   * The cached binaries, building them first when they are missing. A first build takes many
   * minutes; each line the script prints goes to {@code progress}.
   */
  public static K8sBinaries ensureBuilt(Consumer<String> progress) {
    return BuildScripts.ensureBuilt(
        K8sBinaries::cached,
        BUILD_SCRIPT,
        cacheDirectory(),
        "Building etcd, Kubernetes "
            + KUBERNETES_VERSION
            + " and KWOK from their Go modules (a first build takes several minutes)",
        progress);
  }

  static Path cacheDirectory() {
    return BuildScripts.cacheHome().resolve("k8s").resolve(KUBERNETES_VERSION).resolve("bin");
  }

  /** Fails early, naming what is missing, instead of failing later inside kwokctl. */
  void verify() throws IOException {
    for (String component : COMPONENTS) {
      if (!Files.isExecutable(path(component))) {
        throw new IOException(
            component + " is missing from " + directory + "; run " + BUILD_SCRIPT);
      }
    }
  }
}

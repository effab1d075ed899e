package dev.bosun.localcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@code hack/build-*.sh} scripts that build the local cluster's Go components from their
 * modules and cache them under {@code ${XDG_CACHE_HOME:-~/.cache}/bosun}: where the cache is, and
 * running a script when its output is missing.
 */
final class BuildScripts {

  private BuildScripts() {}

  /** {@code ${XDG_CACHE_HOME:-~/.cache}/bosun}, as the scripts compute it. */
  static Path cacheHome() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cacheHome =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return cacheHome.resolve("bosun");
  }

  /**
   * What {@code cached} finds, else what it finds after {@code script} (relative to a Bosun
   * checkout) ran: {@code announcement} and then each line the script prints go to {@code
   * progress}. A failed script's last lines name the component and its build log.
   *
   * @param cache where the script's output belongs, for the messages
   */
  static <T> T ensureBuilt(
      Supplier<Optional<T>> cached,
      String script,
      Path cache,
      String announcement,
      Consumer<String> progress) {
    return ensureBuilt(cached, script, List.of(), cache, announcement, progress);
  }

  /** {@link #ensureBuilt} running {@code script} with {@code arguments}: "metrics-server". */
  static <T> T ensureBuilt(
      Supplier<Optional<T>> cached,
      String script,
      List<String> arguments,
      Path cache,
      String announcement,
      Consumer<String> progress) {
    return cached
        .get()
        .orElseGet(
            () -> {
              progress.accept(announcement);
              run(script, arguments, cache, progress);
              return cached
                  .get()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              script + " succeeded but " + cache + " is incomplete"));
            });
  }

  private static void run(
      String script, List<String> arguments, Path cache, Consumer<String> progress) {
    Path found =
        find(script)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Nothing is built in "
                            + cache
                            + " and "
                            + script
                            + " was not found above "
                            + Path.of("").toAbsolutePath()
                            + ". Run it from a Bosun checkout, or set BOSUN_HOME to one."));
    var command = new ArrayList<String>();
    command.add(found.toString());
    command.addAll(arguments);
    var result = ExternalCommand.of(command).streaming(progress).run();
    if (!result.succeeded()) {
      throw new IllegalStateException(
          script + " failed (exit " + result.exitCode() + "):\n" + result.lastLines(20));
    }
  }

  /** {@code $BOSUN_HOME/<script>}, or the nearest one above the working directory. */
  static Optional<Path> find(String script) {
    String home = System.getenv("BOSUN_HOME");
    if (home != null && !home.isBlank()) {
      return Optional.of(Path.of(home, script)).filter(Files::isExecutable);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(script);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}

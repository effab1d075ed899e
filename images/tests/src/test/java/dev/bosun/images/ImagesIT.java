package dev.bosun.images;

import static dev.bosun.images.ImageScripts.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.localcluster.ImageRegistry;
import dev.bosun.localcluster.ToolBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images the build made, as a cluster gets them: pushed to the local registry, pulled back and
 * flattened into a root file system, which each test inspects or runs its entrypoint in (a chroot
 * in new mount and PID namespaces, the root bind-mounted read-only, as uid 65532).
 */
class ImagesIT {

  private static Path home;
  private static ImageRegistry registry;
  private static String address;
  private static Path crane;

  @BeforeAll
  static void startRegistry() throws IOException {
    home = Files.createTempDirectory("bosun-images-it");
    crane = ToolBinary.CRANE.ensureBuilt(System.err::println);
    registry = new ImageRegistry(crane, home);
    address = registry.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) registry.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "operator", "router"})
  void pulledImageRunsItsEntrypointReadOnlyAsNonRoot(String image) throws Exception {
    Path root = pushPullAndFlatten(image);
    String config = run(List.of(crane.toString(), "config", "--insecure", ref(image))).out();
    assertThat(config).contains("\"User\":\"65532:65532\"");

    var version = runInImage(root, config, "--version");
    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).startsWith("bosun ");
    var help = runInImage(root, config, "--help");
    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out()).contains(" " + image + " ").doesNotContain(" render ");
    var commandHelp = runInImage(root, config, image, "--help");
    assertThat(commandHelp.exitCode()).as(commandHelp.err()).isZero();
    assertThat(commandHelp.err()).doesNotContain("Exception");
    // The class archive maps as built, at the image's class path: with -Xshare:on the JVM refuses
    // to start when it cannot use it (by default it would go on silently without).
    var shared =
        runInImage(root, config, Map.of("JDK_JAVA_OPTIONS", "-Xshare:on"), image, "--help");
    assertThat(shared.exitCode()).as(shared.err()).isZero();
  }

  /**
   * Every jar of the module's runtime class path is in the image and on its entrypoint's class
   * path, in Maven's order; `--help` loads too few classes to notice one missing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"agent", "operator", "router"})
  void imageCarriesItsWholeClassPath(String image) throws Exception {
    Path root = pushPullAndFlatten(image);
    List<String> jars =
        Arrays.stream(Files.readString(target(image).resolveSibling("classpath.txt")).split(":"))
            .map(jar -> "/app/lib/" + Path.of(jar.strip()).getFileName())
            .toList();
    for (String jar : jars) assertThat(root.resolve(jar.substring(1))).as(jar).isRegularFile();
    String config = run(List.of(crane.toString(), "config", "--insecure", ref(image))).out();
    assertThat(config).contains("\"-cp\",\"" + String.join(":", jars) + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "operator", "router"})
  void imageHoldsNoShellNoPackageManagerAndOnlyTheListedModules(String image) throws Exception {
    Path root = pushPullAndFlatten(image);
    for (String absent :
        List.of("bin/sh", "usr/bin/sh", "bin/bash", "usr/bin/apt", "usr/bin/dpkg", "sbin/ldconfig"))
      assertThat(root.resolve(absent)).as(absent).doesNotExist();
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
    assertThat(Files.readString(root.resolve("etc/group"))).contains("nonroot:x:65532:");
    assertThat(root.resolve("etc/ssl/certs/ca-certificates.crt")).isNotEmptyFile();
    assertThat(root.resolve("usr/share/zoneinfo/Europe/Paris")).exists();
    String release = Files.readString(root.resolve("opt/java/release"));
    String modules =
        release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
    // jlink adds what the listed modules require; the golden is that closure.
    assertThat(modules.substring("MODULES=".length()).replace("\"", "").split(" "))
        .containsExactlyInAnyOrderElementsOf(
            Files.readAllLines(Path.of("src/test/resources/runtime-modules.txt")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "operator", "router"})
  void registryServesTheDigestTheBuildComputed(String image) throws Exception {
    pushPullAndFlatten(image);
    String digest =
        run(List.of(crane.toString(), "digest", "--insecure", ref(image))).out().strip();
    assertThat(digest).isEqualTo(Files.readString(target(image).resolve("digest")).strip());
  }

  private static Path target(String image) {
    return IMAGES.resolve(image).resolve("target/image");
  }

  private static String ref(String image) {
    return address + "/bosun/" + image + ":test";
  }

  private static Path pushPullAndFlatten(String image) throws Exception {
    Path root = home.resolve("root-" + image);
    if (Files.isDirectory(root)) return root;
    run(
        List.of(
            crane.toString(),
            "push",
            "--insecure",
            target(image).resolve("oci").toString(),
            ref(image)));
    Files.createDirectories(root);
    Path tar = home.resolve(image + ".tar");
    run(List.of(crane.toString(), "export", "--insecure", ref(image), tar.toString()));
    run(List.of("tar", "-xf", tar.toString(), "-C", root.toString()));
    return root;
  }

  /** The image's entrypoint with {@code args}, run as its config says, in {@code root}. */
  private static Result runInImage(Path root, String config, String... args) throws Exception {
    return runInImage(root, config, Map.of(), args);
  }

  /** As above, with {@code environment} added to the process's. */
  private static Result runInImage(
      Path root, String config, Map<String, String> environment, String... args) throws Exception {
    var command = new ArrayList<String>();
    String entrypoint = config.replaceAll("(?s).*\"Entrypoint\":\\[(.*?)\\].*", "$1");
    for (String part : entrypoint.split("\",\"")) command.add(part.replace("\"", ""));
    command.addAll(List.of(args));
    String r = root.toString();
    String script =
        "set -e; mount --bind $R $R; mount -o remount,bind,ro $R; mount -t proc proc $R/proc;"
            + " mount --rbind /dev $R/dev; exec chroot --userspec=65532:65532 $R \"$@\"";
    var sandbox =
        new ArrayList<>(
            List.of("unshare", "--mount", "--pid", "--fork", "bash", "-c", script, "sandbox"));
    sandbox.addAll(command);
    var builder = new ProcessBuilder(sandbox);
    builder.environment().put("R", r);
    builder.environment().putAll(environment);
    return run(builder);
  }

  record Result(int exitCode, String out, String err) {}

  private static Result run(List<String> command) throws Exception {
    Result result = run(new ProcessBuilder(command));
    if (result.exitCode() != 0)
      throw new IllegalStateException(command + " failed: " + result.err());
    return result;
  }

  private static Result run(ProcessBuilder builder) throws Exception {
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(builder.command() + " did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}

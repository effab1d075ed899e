package dev.bosun.images;

import static dev.bosun.images.ImageScripts.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The base's module list (java-modules.txt, which jlink links) is what jdeps finds in the three
 * images' class paths, plus the modules a library loads by name at run time, which jdeps cannot
 * see. jdeps takes a minute here, too long to run on every build of the base.
 */
class JavaModulesIT {

  /** Loaded by name: JNDI's DNS provider, which netty's resolver asks for. */
  private static final List<String> LOADED_BY_NAME = List.of("jdk.naming.dns");

  @Test
  void moduleListIsWhatTheClassPathsUse() throws Exception {
    var jars = new TreeSet<String>();
    for (String image : List.of("agent", "operator", "router"))
      jars.addAll(
          Arrays.asList(
              Files.readString(IMAGES.resolve(image).resolve("target/classpath.txt"))
                  .strip()
                  .split(":")));
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jdeps").toString(),
                "--ignore-missing-deps",
                "--print-module-deps",
                "--multi-release",
                "25"));
    command.addAll(jars);
    Path out = Files.createTempFile("jdeps", ".txt");
    Process jdeps = new ProcessBuilder(command).redirectOutput(out.toFile()).start();
    jdeps.getErrorStream().transferTo(OutputStream.nullOutputStream());
    assertThat(jdeps.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(jdeps.exitValue()).isZero();
    var found = new TreeSet<>(Arrays.asList(Files.readAllLines(out).getLast().strip().split(",")));
    found.addAll(LOADED_BY_NAME);

    var listed = new TreeSet<String>();
    for (String line : Files.readAllLines(IMAGES.resolve("java-modules.txt")))
      if (!line.isBlank()) listed.add(line.strip());
    assertThat(listed).containsExactlyElementsOf(found);
  }
}

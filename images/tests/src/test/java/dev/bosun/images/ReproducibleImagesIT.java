package dev.bosun.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same inputs make the same image: the base and the agent's image built again in another
 * directory (the scripts' warm-build shortcut cannot apply: the base is extracted, linked and
 * packed again, the jars copied and packed again) have the layers and the digest the build
 * computed. The AOT cache is the one layer reused as it was (from ~/.cache/bosun/images/aot; see
 * app-image.sh for why).
 */
class ReproducibleImagesIT {

  private static final Path IMAGES = Path.of(System.getProperty("user.dir")).resolve("..");

  @Test
  void agentImageBuiltAgainHasTheSameDigest() throws Exception {
    Path work = Files.createTempDirectory("bosun-images-again");
    Path base = work.resolve("base");
    Path agent = work.resolve("agent");
    Path scripts = IMAGES.resolve("src/build");
    run(
        List.of(
            scripts.resolve("base-image.sh").toString(),
            IMAGES.resolve("java-modules.txt").toString(),
            base.toString()));
    var again =
        new ArrayList<>(
            List.of(
                scripts.resolve("app-image.sh").toString(),
                "bosun/agent",
                "agent",
                IMAGES.resolve("agent/target/classpath.txt").toString(),
                base.toString(),
                agent.toString()));
    again.addAll(Files.readAllLines(IMAGES.resolve("agent/target/image/training.txt")));
    run(again);

    assertThat(Files.readString(base.resolve("layers.txt")))
        .isEqualTo(Files.readString(IMAGES.resolve("base/target/layers.txt")));
    assertThat(Files.readString(agent.resolve("digest")))
        .isEqualTo(Files.readString(IMAGES.resolve("agent/target/image/digest")));
  }

  private static void run(List<String> command) throws Exception {
    Path log = Files.createTempFile("bosun-images-again", ".log");
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = builder.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish; its log: " + log);
    }
    assertThat(p.exitValue()).as(command + ": " + Files.readString(log)).isZero();
  }
}

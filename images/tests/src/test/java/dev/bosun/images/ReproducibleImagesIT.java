package dev.bosun.images;

import static dev.bosun.images.ImageScripts.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same commit makes the same image: the base and the agent's image built again in another
 * directory, with another processor count, and nothing reused (the scripts' warm-build shortcut
 * cannot apply: the base is extracted, linked and packed again, the jars copied and packed again,
 * the class archive dumped again) have the layers and the digest the build computed.
 */
class ReproducibleImagesIT {

  /**
   * What a machine's size could change: the JVMs that link the runtime and dump the class archive
   * see one processor here.
   */
  private static final Map<String, String> ONE_PROCESSOR =
      Map.of(
          "JAVA_HOME",
          System.getProperty("java.home"),
          "JAVA_TOOL_OPTIONS",
          "-XX:ActiveProcessorCount=1");

  @Test
  void agentImageBuiltAgainHasTheSameDigest() throws Exception {
    Path work = Files.createTempDirectory("bosun-images-again");
    Path base = work.resolve("base");
    Path agent = work.resolve("agent");
    ImageScripts.run(
        "base-image.sh",
        List.of(IMAGES.resolve("java-modules.txt").toString(), base.toString()),
        ONE_PROCESSOR,
        Duration.ofMinutes(10));
    var arguments =
        new ArrayList<>(
            List.of(
                "bosun/agent",
                "agent",
                IMAGES.resolve("agent/target/classpath.txt").toString(),
                base.toString(),
                agent.toString(),
                IMAGES.resolve("agent/classes.lst").toString()));
    arguments.addAll(Files.readAllLines(IMAGES.resolve("agent/target/image/training.txt")));
    ImageScripts.run("app-image.sh", arguments, ONE_PROCESSOR, Duration.ofMinutes(10));

    assertThat(Files.readString(base.resolve("layers.txt")))
        .isEqualTo(Files.readString(IMAGES.resolve("base/target/layers.txt")));
    assertThat(Files.readString(agent.resolve("digest")))
        .isEqualTo(Files.readString(IMAGES.resolve("agent/target/image/digest")));
  }
}

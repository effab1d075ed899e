package dev.bosun.images;

import static dev.bosun.images.ImageScripts.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each image's committed class list ({@code images/<image>/classes.lst}, what its class archive is
 * dumped from) still matches what the image's command loads: trained again as {@code
 * images/update-class-lists.sh} does, the classes differ by at most {@link #TOLERANCE} of them. A
 * server's start loads a few classes more or fewer from run to run (its threads race), so the lists
 * are compared with that margin rather than for equality; new code on the start path moves them
 * further and fails here until the list is regenerated.
 */
class ClassListsIT {

  /** The share of the classes that may differ: 1 %, about 20 for the agent. */
  private static final double TOLERANCE = 0.01;

  @ParameterizedTest
  @ValueSource(strings = {"agent", "operator", "router"})
  void committedClassListMatchesWhatTheImageLoads(String image) throws Exception {
    Path target = IMAGES.resolve(image).resolve("target");
    Path fresh = Files.createTempFile("bosun-classes-" + image, ".lst");
    var arguments =
        new ArrayList<>(
            List.of(
                image,
                target.resolve("classpath.txt").toString(),
                IMAGES.resolve("base/target").toString(),
                fresh.toString()));
    arguments.addAll(Files.readAllLines(target.resolve("image/training.txt")));
    ImageScripts.run("class-list.sh", arguments, Map.of(), Duration.ofMinutes(5));

    Set<String> loaded = classes(fresh);
    Set<String> committed = classes(IMAGES.resolve(image).resolve("classes.lst"));
    var notArchived = new TreeSet<>(loaded);
    notArchived.removeAll(committed);
    var noLongerLoaded = new TreeSet<>(committed);
    noLongerLoaded.removeAll(loaded);
    assertThat(notArchived.size() + noLongerLoaded.size())
        .as(
            "images/%s/classes.lst is stale: %d classes loaded now are not in it %s, %d in it are"
                + " no longer loaded %s; regenerate it with images/update-class-lists.sh",
            image,
            notArchived.size(),
            first(notArchived),
            noLongerLoaded.size(),
            first(noLongerLoaded))
        .isLessThanOrEqualTo((int) (loaded.size() * TOLERANCE));
  }

  /** The class lines of a list (not its comments or lambda lines). */
  private static Set<String> classes(Path list) throws Exception {
    var classes = new TreeSet<String>();
    for (String line : Files.readAllLines(list))
      if (!line.startsWith("#") && !line.startsWith("@")) classes.add(line);
    return classes;
  }

  private static List<String> first(Set<String> classes) {
    return classes.stream().limit(5).toList();
  }
}

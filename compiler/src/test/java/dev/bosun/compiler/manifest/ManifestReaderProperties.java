package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever text arrives, reading and rendering it gives objects or problems, never an exception.
 */
class ManifestReaderProperties {
  private static final TierCatalog TIERS = TierCatalog.defaults();
  private static final String VALID =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata:
        name: chat
      spec:
        type: Inference
        image: registry.example.com/acme/chat:1.0
        size: gpu-m
        port: 8000
        replicas: {min: 2, max: 6}
        scaleOn: {metric: gpu, target: 70}
        env:
        - {name: A, value: "1"}
        egress:
        - {cidr: 0.0.0.0/0, ports: [443]}
      """;
  private static final List<String> VALUES =
      List.of(
          "",
          "0",
          "-1",
          "99999999999999999999",
          "true",
          "null",
          "~",
          "[]",
          "{}",
          "[1, 2]",
          "{a: b}",
          "\"\"",
          "gpu-m",
          "Training",
          "0.0.0.0/99",
          "'",
          "\"unterminated",
          "*alias",
          "&anchor x",
          "!!binary AAAA",
          "2.5",
          "0x1F",
          "\t",
          "- x");

  @Property(tries = 1000)
  void mutatedWorkloadsGiveProblemsWithAFieldPath(@ForAll("mutations") String yaml) {
    List<ManifestProblem> problems = readAndRender(yaml);
    for (ManifestProblem problem : problems) {
      boolean located =
          !problem.error().path().isEmpty()
              || problem.line() > 0
              || problem.object() == null
              || problem.object().startsWith("document ");
      assertThat(located).as("%s names a field path or a position", problem).isTrue();
      assertThat(problem.error().message()).isNotBlank();
    }
  }

  @Property(tries = 500)
  void truncatedInputNeverThrows(@ForAll @IntRange(min = 0, max = 400) int cut) {
    readAndRender(VALID.substring(0, Math.min(cut, VALID.length())));
  }

  @Property(tries = 500)
  void arbitraryTextNeverThrows(@ForAll String text) {
    readAndRender(text);
  }

  private static List<ManifestProblem> readAndRender(String yaml) {
    ReadResult read = ManifestReader.read("input.yaml", yaml);
    List<ManifestProblem> problems = new ArrayList<>(read.problems());
    problems.addAll(Renderer.render(read.manifests(), TIERS, null).problems());
    return problems;
  }

  /** The valid Workload with one line's value replaced, or one line dropped or doubled. */
  @Provide
  Arbitrary<String> mutations() {
    List<String> lines = VALID.lines().toList();
    Arbitrary<Integer> line = Arbitraries.integers().between(0, lines.size() - 1);
    Arbitrary<String> replaced =
        line.flatMap(
            index ->
                Arbitraries.of(VALUES)
                    .map(
                        value -> {
                          String original = lines.get(index);
                          int colon = original.indexOf(": ");
                          String mutated =
                              colon < 0
                                  ? original + " " + value
                                  : original.substring(0, colon + 2) + value;
                          return join(lines, index, mutated);
                        }));
    Arbitrary<String> dropped = line.map(index -> join(lines, index, null));
    Arbitrary<String> doubled =
        line.map(index -> join(lines, index, lines.get(index) + "\n" + lines.get(index)));
    return Arbitraries.oneOf(replaced, dropped, doubled);
  }

  private static String join(List<String> lines, int index, String replacement) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = i == index ? replacement : lines.get(i);
      if (line != null) {
        text.append(line).append('\n');
      }
    }
    return text.toString();
  }
}

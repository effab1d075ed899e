package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Generated hostile YAML: deep nesting, long scalars, graphs of anchors and aliases, control and
 * escape characters, invalid code points. Whatever arrives, reading and rendering give objects or
 * problems that name their source and a reason, never an exception; a refusal at a limit names the
 * limit and its place; and no input runs past a generous guard (liveness, not speed).
 */
class HostileManifestProperties {
  private static final TierCatalog TIERS = TierCatalog.defaults();
  private static final String VALID =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata:
        name: chat
        labels: {team: ml}
      spec:
        type: Inference
        image: registry.example.com/acme/chat:1.0
        size: gpu-m
        port: 8000
        args: ["--model", "/models/m"]
        env:
        - {name: A, value: "1"}
      """;

  private static List<ManifestProblem> readAndRender(String yaml) {
    return assertTimeoutPreemptively(
        HostileManifestsTest.HANG_GUARD,
        () -> {
          ReadResult read = ManifestReader.read("hostile.yaml", yaml);
          Renderer.Rendered rendered = Renderer.render(read.manifests(), TIERS, null);
          Output.yaml(rendered.objects());
          List<ManifestProblem> problems = new ArrayList<>(read.problems());
          problems.addAll(rendered.problems());
          for (ManifestProblem problem : problems) {
            assertThat(problem.source()).isEqualTo("hostile.yaml");
            assertThat(problem.error().message()).as("%s gives a reason", problem).isNotBlank();
          }
          return problems;
        });
  }

  private static List<ManifestProblem> refusals(List<ManifestProblem> problems) {
    return problems.stream().filter(p -> p.error().message().contains("limit")).toList();
  }

  /** Exactly one refusal, at a place in the input, naming one of the limits expected. */
  private static void refusedOnceAtALimit(List<ManifestProblem> problems, String... limits) {
    assertThat(refusals(problems))
        .singleElement()
        .satisfies(
            refusal -> {
              assertThat(refusal.line()).as("%s has a line", refusal).isPositive();
              assertThat(refusal.toString()).containsAnyOf(limits);
            });
  }

  @Property(tries = 200)
  void nestingIsReadOrRefusedAtTheDepthLimit(
      @ForAll @IntRange(min = 1, max = 3000) int depth,
      @ForAll boolean flow,
      @ForAll("containerKinds") List<Boolean> sequences) {
    StringBuilder yaml = new StringBuilder();
    StringBuilder closing = new StringBuilder();
    for (int level = 0; level < depth; level++) {
      boolean sequence = sequences.get(level % sequences.size());
      if (flow) {
        yaml.append(sequence ? "[" : "{k: ");
        closing.insert(0, sequence ? "]" : "}");
      } else {
        yaml.append(" ".repeat(level)).append(sequence ? "-\n" : "k:\n");
      }
    }
    yaml.append(flow ? "x" + closing + "\n" : " ".repeat(depth) + "x\n");

    List<ManifestProblem> problems = readAndRender(yaml.toString());
    if (depth > ManifestLimits.MAX_NESTING_DEPTH) {
      refusedOnceAtALimit(problems, "nested deeper than 64 levels");
    } else {
      assertThat(refusals(problems)).isEmpty();
    }
  }

  @Provide
  Arbitrary<List<Boolean>> containerKinds() {
    return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 60)
  void longScalarsAreReadOrRefusedAtTheScalarLimit(
      @ForAll("scalarLengths") int length, @ForAll("scalarShapes") String shape) {
    List<ManifestProblem> problems = readAndRender(shape.formatted("a".repeat(length)));
    if (length > ManifestLimits.MAX_SCALAR_CHARS) {
      refusedOnceAtALimit(problems, "characters is longer than the limit of 262,144");
    } else {
      assertThat(refusals(problems)).isEmpty();
    }
  }

  @Provide
  Arbitrary<Integer> scalarLengths() {
    int limit = ManifestLimits.MAX_SCALAR_CHARS;
    return Arbitraries.oneOf(
        Arbitraries.integers().between(limit - 2, limit + 2),
        Arbitraries.integers().between(0, 4_000_000));
  }

  /** Shapes whose value is exactly the text put in: no folding, no added line break. */
  @Provide
  Arbitrary<String> scalarShapes() {
    return Arbitraries.of(
        "x: %s\n", "x: '%s'\n", "x: \"%s\"\n", "x: |-\n  %s\n", "? %s\n: x\n", "- [%s]\n");
  }

  /** An anchored node: a scalar, or a sequence or mapping of aliases to anchors by number. */
  private record Definition(boolean scalar, boolean mapping, List<Integer> aliases) {}

  /**
   * Anchors a0, a1, ...: each a scalar, or a sequence or mapping of aliases to earlier anchors (or,
   * now and then, to itself), so aliases repeat scalars, collections and other aliases.
   */
  private record AnchorGraph(List<Definition> anchors) {
    String yaml() {
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < anchors.size(); i++) {
        Definition anchor = anchors.get(i);
        yaml.append("a%d: &a%d ".formatted(i, i));
        if (anchor.scalar()) {
          yaml.append("value").append(i);
        } else {
          yaml.append(anchor.mapping() ? '{' : '[');
          for (int k = 0; k < anchor.aliases().size(); k++) {
            yaml.append(anchor.mapping() ? "k" + k + ": " : "")
                .append("*a")
                .append(anchor.aliases().get(k))
                .append(", ");
          }
          yaml.append(anchor.mapping() ? '}' : ']');
        }
        yaml.append('\n');
      }
      return yaml.toString();
    }

    boolean recursive() {
      for (int i = 0; i < anchors.size(); i++) {
        if (!anchors.get(i).scalar() && anchors.get(i).aliases().contains(i)) {
          return true;
        }
      }
      return false;
    }

    /** Nodes, aliases and depth of the document with its aliases expanded, saturating. */
    long[] expanded() {
      List<long[]> sizes = new ArrayList<>(); // nodes, aliases inside, depth of each anchor
      long nodes = 1;
      long aliases = 0;
      long depth = 1;
      for (Definition anchor : anchors) {
        long[] node = {1, 0, anchor.scalar() ? 0 : 1};
        if (!anchor.scalar()) {
          for (int alias : anchor.aliases()) {
            long[] repeated = sizes.get(alias);
            node[0] = saturated(node[0] + repeated[0] + (anchor.mapping() ? 1 : 0));
            node[1] = saturated(node[1] + 1 + repeated[1]);
            node[2] = Math.max(node[2], 1 + repeated[2]);
          }
        }
        sizes.add(node);
        nodes = saturated(nodes + 1 + node[0]);
        aliases = saturated(aliases + node[1]);
        depth = Math.max(depth, 1 + node[2]);
      }
      return new long[] {nodes, aliases, depth};
    }

    private static long saturated(long value) {
      return Math.min(value, 1L << 50);
    }
  }

  @Property(tries = 300)
  void aliasGraphsAreReadOrRefusedAtALimit(@ForAll("anchorGraphs") AnchorGraph graph) {
    List<ManifestProblem> problems = readAndRender(graph.yaml());
    if (graph.recursive()) {
      // Refused at the first recursive alias, or at a limit passed before it.
      assertThat(problems)
          .anySatisfy(
              problem ->
                  assertThat(problem.toString())
                      .containsAnyOf("is inside the collection it names", "limit"));
      return;
    }
    long[] expanded = graph.expanded();
    if (expanded[0] > ManifestLimits.MAX_NODES
        || expanded[1] > ManifestLimits.MAX_ALIASES
        || expanded[2] > ManifestLimits.MAX_NESTING_DEPTH) {
      refusedOnceAtALimit(
          problems, "500,000 YAML nodes", "1,000 aliases", "nested deeper than 64 levels");
    } else {
      assertThat(refusals(problems)).isEmpty();
    }
  }

  @Provide
  Arbitrary<AnchorGraph> anchorGraphs() {
    return Arbitraries.integers()
        .between(1, 80)
        .flatMap(
            count -> {
              List<Arbitrary<Definition>> anchors = new ArrayList<>();
              anchors.add(Arbitraries.just(new Definition(true, false, List.of())));
              for (int i = 1; i < count; i++) {
                // The anchor just before makes chains, deep and wide when repeated.
                Arbitrary<Integer> target =
                    Arbitraries.oneOf(
                        Arbitraries.just(i - 1), Arbitraries.integers().between(0, i - 1));
                anchors.add(
                    Combinators.combine(
                            Arbitraries.integers().between(0, 3),
                            Arbitraries.of(true, false),
                            target.list().ofMaxSize(6))
                        .as(
                            (kind, mapping, aliases) ->
                                new Definition(kind == 0, mapping, aliases)));
              }
              // Now and then the last anchor names itself.
              Arbitrary<Definition> last =
                  Arbitraries.frequencyOf(
                      Tuple.of(9, Arbitraries.just(new Definition(true, false, List.of()))),
                      Tuple.of(1, Arbitraries.just(new Definition(false, false, List.of(count)))));
              anchors.add(last);
              return Combinators.combine(anchors).as(AnchorGraph::new);
            });
  }

  @Property(tries = 500)
  void aCharacterYamlRefusesIsNamedAtItsLineAndColumn(
      @ForAll("refusedCharacters") char character,
      @ForAll @IntRange(min = 0, max = 10_000) int where) {
    int index = where % (VALID.length() + 1);
    String before = VALID.substring(0, index);
    int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
    int column = index - before.lastIndexOf('\n');

    assertThat(readAndRender(before + character + VALID.substring(index)))
        .singleElement()
        .asString()
        .startsWith(
            "hostile.yaml:%d:%d: YAML syntax error: the character U+%04X"
                .formatted(line, column, (int) character));
  }

  /** Found by the property above: the library's index is one too far for this one. */
  @Example
  void aLoneHighSurrogateAtTheEndIsNamedWhereItIs() {
    assertThat(readAndRender(VALID + '\ud800'))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:14:1: YAML syntax error: the character U+D800");
  }

  @Provide
  Arbitrary<Character> refusedCharacters() {
    return Arbitraries.oneOf(
        Arbitraries.chars().range('\u0000', '\u0008'),
        Arbitraries.chars().with('\u000b', '\u000c', '\u007f', '\ufffe', '\uffff'),
        Arbitraries.chars().range('\u000e', '\u001f'),
        Arbitraries.chars().range('\u0080', '\u0084'),
        Arbitraries.chars().range('\u0086', '\u009f'),
        Arbitraries.chars().range('\ud800', '\udfff'));
  }

  @Property(tries = 500)
  void escapedCharactersInAnyValueAreReadOrRefusedWithAReason(
      @ForAll("valueLines") int line, @ForAll("escapes") String escaped) {
    List<String> lines = new ArrayList<>(VALID.lines().toList());
    String original = lines.get(line);
    int colon = original.indexOf(": ");
    lines.set(line, original.substring(0, colon + 2) + "\"x" + escaped + "y\"");
    readAndRender(String.join("\n", lines) + "\n");
  }

  @Provide
  Arbitrary<Integer> valueLines() {
    List<String> lines = VALID.lines().toList();
    List<Integer> withValues = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(": ") && !lines.get(i).contains("{")) {
        withValues.add(i);
      }
    }
    return Arbitraries.of(withValues);
  }

  @Provide
  Arbitrary<String> escapes() {
    return Arbitraries.of(
            "\\0",
            "\\a",
            "\\b",
            "\\t",
            "\\n",
            "\\v",
            "\\f",
            "\\r",
            "\\e",
            "\\ ",
            "\\\"",
            "\\/",
            "\\\\",
            "\\N",
            "\\_",
            "\\L",
            "\\P",
            "\\x00",
            "\\x7f",
            "\\x9b",
            "\\u0000",
            "\\u2028",
            "\\ud800",
            "\\udfff",
            "\\ufeff",
            "\\ufffe",
            "\\U0001F600",
            "\\U0010FFFF",
            "\\U00110000",
            "\\x",
            "\\u12",
            "\\q")
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 1000)
  void yamlPunctuationAndInvalidCodePointsNeverThrow(@ForAll("hostileText") String text) {
    readAndRender(text);
  }

  @Provide
  Arbitrary<String> hostileText() {
    return Arbitraries.strings()
        .withChars("[]{}:,-&*!|>'\"#%@`?~ \n\t\r\\ab01")
        .withCharRange('\u0000', '\u001f')
        .withChars('\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff')
        .withChars('\ud800', '\udbff', '\udc00', '\udfff')
        .ofMaxLength(300);
  }
}

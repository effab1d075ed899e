package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10's hostile manifests, one test each: every one is read into problems that name the
 * source, the place and the limit, never an exception, a stack overflow or unbounded work.
 */
class HostileManifestsTest {
  /** A liveness guard for one whole input, far above what any of them takes; not a speed target. */
  static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private static ReadResult read(String text) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> ManifestReader.read("hostile.yaml", text));
  }

  private static List<String> problems(String text) {
    return read(text).problems().stream().map(ManifestProblem::toString).toList();
  }

  @Test
  void fifteenHundredLevelsOfNestingAreRefusedAtTheLimitWithTheirPlace() {
    assertThat(problems("x: " + "[".repeat(1500) + "]".repeat(1500) + "\n"))
        .containsExactly(
            "hostile.yaml:1:67: document 1: nested deeper than 64 levels (aliases expanded), the"
                + " limit, which cannot be raised; Bosun objects are a few levels deep");
  }

  @Test
  void nestingAtTheLimitIsRead() {
    // The document's mapping is the first level.
    assertThat(problems("x: " + "[".repeat(63) + "]".repeat(63) + "\n"))
        .noneMatch(problem -> problem.contains("nested deeper"));
  }

  @Test
  void blockNestingIsRefusedToo() {
    StringBuilder yaml = new StringBuilder();
    for (int level = 0; level < 200; level++) {
      yaml.append("  ".repeat(level)).append("k:\n");
    }
    assertThat(problems(yaml.toString()))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:65:129: document 1: nested deeper than 64 levels");
  }

  @Test
  void anAliasCountsAsDeepAsWhatItRepeats() {
    String yaml =
        "a: &deep "
            + "[".repeat(40)
            + "]".repeat(40)
            + "\nb: "
            + "[".repeat(30)
            + "*deep"
            + "]".repeat(30)
            + "\n";
    assertThat(problems(yaml))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:2:34: document 1: nested deeper than 64 levels");
  }

  @ParameterizedTest
  @ValueSource(strings = {"x: %s", "x: '%s'", "x: \"%s\"", "x: |\n  %s", "%s: x", "# %s\nx: 1"})
  void anEightMegabyteScalarIsRefusedInLinearTime(String shape) {
    List<String> problems = problems(shape.formatted("a".repeat(8_000_000)) + "\n");
    if (shape.startsWith("#")) {
      assertThat(problems).noneMatch(problem -> problem.contains("scalar"));
    } else {
      assertThat(problems)
          .singleElement()
          .asString()
          .startsWith("hostile.yaml:1:")
          .containsPattern(
              "document 1: a scalar of 8,000,00[01] characters is longer than the limit of"
                  + " 262,144, which cannot be raised");
    }
  }

  @Test
  void aScalarAtTheLimitIsRead() {
    assertThat(problems("x: " + "a".repeat(ManifestLimits.MAX_SCALAR_CHARS) + "\n"))
        .noneMatch(problem -> problem.contains("scalar"));
  }

  @Test
  void everyAliasCountsAndTheOneOverTheLimitIsNamedWhereItIs() {
    String string = "a: &s " + "x".repeat(1000) + "\nb: [";
    assertThat(problems(string + "*s, ".repeat(1000) + "]\n"))
        .noneMatch(problem -> problem.contains("alias"));
    assertThat(problems(string + "*s, ".repeat(1001) + "]\n"))
        .containsExactly(
            "hostile.yaml:2:4005: document 1: the alias *s passes the limit of 1,000 aliases in"
                + " one call (an alias inside an aliased collection counts each time the"
                + " collection is repeated); write the values out, or split the input over"
                + " several calls");
  }

  @Test
  void anAliasBombIsRefusedAtItsFirstLevels() {
    StringBuilder yaml =
        new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level < 10; level++) {
      String previous = "*l" + (level - 1);
      yaml.append("l%d: &l%d [%s]\n".formatted(level, level, (previous + ", ").repeat(9)));
    }
    assertThat(problems(yaml.toString()))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:5:10: document 1: the alias *l3 passes the limit of 1,000");
  }

  @Test
  void anAliasInsideTheCollectionItNamesIsRefused() {
    assertThat(problems("a: &loop [1, *loop]\n"))
        .containsExactly(
            "hostile.yaml:1:14: document 1: the alias *loop is inside the collection it names,"
                + " which would repeat without end");
  }

  @Test
  void documentsAreCountedOverEveryInputOfACall() {
    String twoThousand = "--- {}\n".repeat(2000);
    ReadResult first = ManifestReader.read("a.yaml", twoThousand);
    ReadResult second = ManifestReader.read("b.yaml", twoThousand, first.usage());
    ReadResult third =
        ManifestReader.read("c.yaml", twoThousand, first.usage().plus(second.usage()));
    ReadResult fourth =
        ManifestReader.read("d.yaml", twoThousand, first.plus(second).plus(third).usage());

    assertThat(second.problems()).noneMatch(problem -> problem.toString().contains("limit"));
    assertThat(third.problems())
        .filteredOn(problem -> problem.toString().contains("limit"))
        .singleElement()
        .hasToString(
            "c.yaml:1001:1: document 1001: more than 5,000 YAML documents in one call, the limit;"
                + " split the input over several calls");
    assertThat(fourth.problems()).as("refused where the limit was passed").isEmpty();
    assertThat(fourth.manifests()).isEmpty();
  }

  @Test
  void nodesAreCountedAndAliasesCountAsWhatTheyRepeat() {
    String list = "big: &big [" + "x, ".repeat(100_000) + "]\n";
    assertThat(problems(list + "copies: [*big, *big, *big]\n"))
        .noneMatch(problem -> problem.contains("nodes"));
    assertThat(problems(list + "copies: [*big, *big, *big, *big, *big]\n"))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:2:28: document 1: more than 500,000 YAML nodes in one call");
  }

  @Test
  void textLongerThanTheInputLimitIsNotParsed() {
    assertThat(problems("#".repeat(ManifestLimits.MAX_INPUT_BYTES + 1)))
        .containsExactly(
            "hostile.yaml: is larger than the limit of 16 MiB of input per call, which cannot be"
                + " raised; split the input over several calls");
  }

  @Test
  void aNulByteIsNamedWithItsLineAndColumn() {
    assertThat(problems("apiVersion: bosun.dev/v1alpha1\nkind: Work\u0000load\n"))
        .containsExactly(
            "hostile.yaml:2:11: YAML syntax error: the character U+0000 (NULL) is not allowed in"
                + " YAML (control characters other than tab and line breaks are not, nor U+FFFE,"
                + " U+FFFF or a lone surrogate)");
  }

  @Test
  void controlCharactersAreLocatedAsTheLibraryCountsLines() {
    assertThat(problems("a: 1\r\nb: 2\rc: \"\u001b[31m\"\n"))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:3:5: YAML syntax error: the character U+001B (ESCAPE)");
  }

  @Test
  void aCharacterBeyondTheBasicPlaneCountsAsOneColumnAndTheByteOrderMarkAsNone() {
    assertThat(problems("\ufeffa: \ud83d\ude00\r\nb: x\u0007\n"))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:2:5: YAML syntax error: the character U+0007 (BEL)");
  }

  @Test
  void aLoneSurrogateEndingTheTextIsNamedWhereItIs() {
    assertThat(problems("a: 1\n\udc00"))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:2:1: YAML syntax error: the character U+DC00");
    assertThat(problems("a: 1\n\ud83d"))
        .singleElement()
        .asString()
        .startsWith("hostile.yaml:2:1: YAML syntax error: the character U+D83D");
  }

  @Test
  void longUnknownKeysAreReportedWithoutComparingThemToEveryName() {
    // An implicit key is at most 1,024 characters long; '?' makes a key explicit.
    String workload =
        """
        apiVersion: bosun.dev/v1alpha1
        kind: Workload
        metadata: {name: chat}
        spec:
          type: Batch
          image: registry.example.com/acme/batch:1
          size: cpu-m
          ? %s
          : 1
        """;
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      yaml.append("---\n").append(workload.formatted("k".repeat(250_000)));
    }
    assertThat(problems(yaml.toString()))
        .hasSize(60)
        .allMatch(problem -> problem.contains(": unknown field"));
  }

  @Test
  void renderingMoreThanTheOutputLimitStopsWhileWriting() {
    // 300 aliases of a 250,000-character argument: 75 MB in the Deployment.
    String args = "&arg " + "a".repeat(250_000) + ", *arg".repeat(299);
    ReadResult read =
        read(
            """
            apiVersion: bosun.dev/v1alpha1
            kind: Workload
            metadata: {name: batch}
            spec: {type: Batch, image: "r.example.com/a:1", size: cpu-m, args: [%s]}
            """
                .formatted(args));
    Renderer.Rendered rendered = Renderer.render(read.manifests(), TierCatalog.defaults(), null);
    assertThat(rendered.problems()).isEmpty();

    List<Runnable> formats =
        List.of(() -> Output.yaml(rendered.objects()), () -> Output.jsonList(rendered.objects()));
    for (Runnable format : formats) {
      assertThatThrownBy(format::run)
          .isInstanceOf(LimitExceededException.class)
          .hasMessage(
              "the rendered objects pass the output limit of 64 MiB, which cannot be raised;"
                  + " render fewer Workloads per call");
    }
  }

  private static final String WORKLOAD =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata: {name: chat, labels: %s, annotations: %s}
      spec:
        type: Inference
        image: %s
        size: gpu-m
        port: 8000
        env: [{name: A, value: "1"}, {name: A, value: "2"}]
      """;

  @Test
  void anImageIsToldWhichPartIsWrong() {
    assertThat(problems(WORKLOAD.formatted("{}", "{}", "Registry.Example.com/Acme/Chat:1.0")))
        .contains(
            "hostile.yaml: Workload/chat: spec.image: \"Registry.Example.com/Acme/Chat:1.0\" has"
                + " upper-case letters in \"Registry.Example.com/Acme/Chat\": registry and"
                + " repository are lower case, only the tag may have capitals");
    assertThat(problems(WORKLOAD.formatted("{}", "{}", "'registry.example.com/acme chat:1.0'")))
        .contains(
            "hostile.yaml: Workload/chat: spec.image: \"registry.example.com/acme chat:1.0\" has a"
                + " space or a control character at position 26, which no image reference has");
    assertThat(problems(WORKLOAD.formatted("{}", "{}", "registry.example.com/acme/chat@sha256:1")))
        .contains(
            "hostile.yaml: Workload/chat: spec.image: \"registry.example.com/acme/chat@sha256:1\""
                + " has the digest \"sha256:1\", which must be sha256: and 64 lower-case hex"
                + " digits");
    assertThat(problems(WORKLOAD.formatted("{}", "{}", "registry.example.com:5000/acme/chat")))
        .contains(
            "hostile.yaml: Workload/chat: spec.image: \"registry.example.com:5000/acme/chat\" must"
                + " name a tag or a digest, such as registry.example.com/team/app:1.4.2 or"
                + " ...@sha256:<64 hex digits>");
  }

  @Test
  void labelsAnnotationsAndEnvNamesTheApiServerWouldRefuseAreRefusedHere() {
    String labels =
        "{'Bad Key!': 'x y', 'Example.com/a': b, a/b/c: d, long: %s}".formatted("v".repeat(64));
    assertThat(problems(WORKLOAD.formatted(labels, "{/x: y}", "registry.example.com/acme/chat:1")))
        .containsExactlyInAnyOrder(
            "hostile.yaml: Workload/chat: metadata.labels[Bad Key!]: is not a valid label key: has"
                + " the name \"Bad Key!\", which must be letters, digits, '-', '_' or '.',"
                + " starting and ending with a letter or digit",
            "hostile.yaml: Workload/chat: metadata.labels[Bad Key!]: \"x y\" is not a valid label"
                + " value: it must be empty or letters, digits, '-', '_' or '.', starting and"
                + " ending with a letter or digit",
            "hostile.yaml: Workload/chat: metadata.labels[Example.com/a]: is not a valid label"
                + " key: the prefix \"Example.com\" must be a DNS subdomain: at most 253"
                + " lower-case letters, digits, '-' and '.', starting and ending with a letter or"
                + " digit",
            "hostile.yaml: Workload/chat: metadata.labels[a/b/c]: is not a valid label key: has"
                + " more than one '/': a key is [prefix/]name",
            "hostile.yaml: Workload/chat: metadata.labels[long]: \"%s\" is not a valid label value:"
                    .formatted("v".repeat(64))
                + " it is 64 characters long; a label value is at most 63",
            "hostile.yaml: Workload/chat: metadata.annotations[/x]: is not a valid annotation key:"
                + " the prefix \"\" must be a DNS subdomain: at most 253 lower-case letters,"
                + " digits, '-' and '.', starting and ending with a letter or digit",
            "hostile.yaml: Workload/chat: spec.env[1].name: \"A\" is set more than once");
  }

  @Test
  void annotationsPastTheApiServersBudgetAreRefused() {
    String annotations = "{a: %s, b: %s}".formatted("x".repeat(200_000), "y".repeat(200_000));
    assertThat(problems(WORKLOAD.formatted("{}", annotations, "registry.example.com/acme/chat:1")))
        .contains(
            "hostile.yaml: Workload/chat: metadata.annotations: take 400002 bytes together; the"
                + " API server takes at most 262144 (256 KiB)");
  }
}

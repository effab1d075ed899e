package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ExpositionProperties {
  private static final String GAUGE = "vllm:num_requests_waiting";
  private static final Set<String> WANTED = Set.of(GAUGE);

  @Property
  void anyInputIsReadWithoutFailingAndWithinItsLimits(@ForAll String body) {
    Exposition.Parsed parsed = Exposition.parse(body, WANTED);
    long lines = body.chars().filter(c -> c == '\n').count() + 1;
    assertThat(parsed.samples().size() + parsed.skippedLines()).isLessThanOrEqualTo((int) lines);
    assertThat(parsed.samples()).allSatisfy(s -> assertThat(s.name()).isEqualTo(GAUGE));
  }

  @Property
  void hostileLinesBetweenGoodOnesNeverChangeTheSum(
      @ForAll("samples") List<Integer> values, @ForAll("garbage") List<String> garbage) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      body.append(GAUGE)
          .append("{pod=\"p")
          .append(i)
          .append("\",note=\"a \\\"quoted\\\" \\\\ value\"} ")
          .append(values.get(i))
          .append('\n');
      if (i < garbage.size()) body.append(garbage.get(i)).append('\n');
    }
    Exposition.Parsed parsed = Exposition.parse(body.toString(), WANTED);
    double expected = values.stream().mapToDouble(Integer::doubleValue).sum();
    assertThat(parsed.samples()).hasSize(values.size());
    if (!values.isEmpty()) assertThat(parsed.sum(GAUGE)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<Integer>> samples() {
    return Arbitraries.integers().between(0, 1_000_000).list().ofMaxSize(50);
  }

  /**
   * Lines that are not a wanted sample: broken label sets, injected quotes and braces, control
   * characters, other series, comments, a CR where a LF belongs.
   */
  @Provide
  Arbitrary<List<String>> garbage() {
    Arbitrary<String> noise =
        Arbitraries.strings()
            .withCharRange((char) 0, (char) 0x2FF)
            .excludeChars('\n')
            .ofMaxLength(200);
    Arbitrary<String> line =
        Arbitraries.oneOf(
            noise.map(s -> "{" + s),
            noise.map(s -> GAUGE + "{" + s.replace("}", "")),
            noise.map(s -> GAUGE + "{a=\"" + s.replace("\"", "").replace("\\", "") + "\"}"),
            noise.map(s -> "# " + s),
            noise.map(s -> "other_series " + s),
            Combinators.combine(noise, noise).as((a, b) -> "0" + a + "\r" + b));
    return line.list().ofMaxSize(50);
  }
}

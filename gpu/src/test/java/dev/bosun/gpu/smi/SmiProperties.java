package dev.bosun.gpu.smi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.HangGuard;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * nvidia-smi's XML and CSV, cut, mangled and hostile: never an exception, a bad value dropped and
 * counted, a good one kept, a document past a limit refused, each within {@link HangGuard#LIMIT}.
 */
class SmiProperties {

  static final String XML = Fixtures.h100("nvidia-smi-q.xml");
  static final String CSV = Fixtures.h100("query-gpu.csv");

  @Property(tries = 300)
  void truncatedXmlNeverThrowsAndIsCounted(@ForAll @IntRange(min = 0, max = 26940) int cut) {
    String truncated = XML.substring(0, Math.min(cut, XML.length()));
    Parsed<NodeSnapshot> parsed = SmiXmlParser.parse(truncated, Instant.EPOCH);
    if (XML.substring(truncated.length()).isBlank()) {
      assertThat(parsed.value()).isPresent();
    } else {
      assertThat(parsed.value()).isEmpty();
      assertThat(parsed.unparsed()).isEqualTo(1);
    }
  }

  @Property(tries = 300)
  void anyValueReplacedByAnythingNeverThrows(
      @ForAll @IntRange(min = 0, max = 300) int which, @ForAll String junk) {
    // replace the text of the which-th leaf element with junk (escaped so the XML stays
    // well-formed)
    String escaped =
        junk.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replaceAll("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff\\ud800-\\udfff]", "");
    int seen = -1, at = -1;
    for (int i = XML.indexOf(">"); i >= 0 && i < XML.length() - 1; i = XML.indexOf(">", i + 1)) {
      if (XML.charAt(i + 1) != '<' && XML.charAt(i + 1) != '\n' && ++seen == which) {
        at = i + 1;
        break;
      }
    }
    if (at < 0) return;
    int end = XML.indexOf('<', at);
    String mutated = XML.substring(0, at) + escaped + XML.substring(end);
    Parsed<NodeSnapshot> parsed = SmiXmlParser.parse(mutated, Instant.EPOCH);
    parsed
        .value()
        .ifPresent(
            n ->
                n.gpus()
                    .forEach(
                        g -> {
                          if (g.utilisation() != null)
                            assertThat(g.utilisation().gpuPercent()).isBetween(0, 100);
                          if (g.temperatureCelsius() != null)
                            assertThat(g.temperatureCelsius()).isBetween(-60, 250);
                        }));
  }

  /** A value as nvidia-smi might write it, and the number it says, when it says one. */
  record Value(String text, Double number) {}

  @Provide
  Arbitrary<Value> values() {
    Arbitrary<Value> numbers =
        Combinators.combine(
                Arbitraries.of("", "-"),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25),
                Arbitraries.strings().numeric().ofMaxLength(12),
                Arbitraries.of("", " C", " %", " MiB", " W", "  W", "Watts"))
            .as(
                (sign, digits, fraction, unit) -> {
                  String number = sign + digits + (fraction.isEmpty() ? "" : "." + fraction);
                  boolean readable = digits.length() <= 18 && fraction.length() <= 9;
                  return new Value(number + unit, readable ? Double.valueOf(number) : null);
                });
    Arbitrary<Value> words =
        Arbitraries.of(
                "NaN",
                "Infinity",
                "-Infinity",
                "1e400",
                "1e3",
                "0x10",
                "-",
                ".",
                "1.",
                ".5",
                "1..2",
                "12 Celsius",
                "\uff14\uff12", // full-width digits
                "\u202e42")
            .map(text -> new Value(text, null));
    return Arbitraries.oneOf(numbers, words);
  }

  /** A numeric field of the sample, the XML element and CSV column that carry it, and its range. */
  enum NumericField {
    TEMPERATURE("gpu_temp", 3, -60, 250, true),
    UTILISATION("gpu_util", 4, 0, 100, true),
    MEMORY_USED("used", 5, 0, 81559, true), // the real GPU's total
    POWER("instant_power_draw", 7, 0, 20_000, false);

    final String element;
    final int column;
    final double min;
    final double max;
    final boolean integral;

    NumericField(String element, int column, double min, double max, boolean integral) {
      this.element = element;
      this.column = column;
      this.min = min;
      this.max = max;
      this.integral = integral;
    }

    /** What the sample must hold for {@code v}: the number when plausible, else nothing. */
    Double expected(Value v) {
      Double n = v.number();
      boolean plausible = n != null && n >= min && n <= max && (!integral || n == Math.floor(n));
      return plausible ? n + 0.0 : null; // -0 is 0 to the model
    }

    Double read(GpuSample g) {
      return switch (this) {
        case TEMPERATURE -> g.temperatureCelsius() == null ? null : g.temperatureCelsius() * 1.0;
        case UTILISATION -> g.utilisation() == null ? null : g.utilisation().gpuPercent() * 1.0;
        case MEMORY_USED -> g.memory() == null ? null : g.memory().usedMiB() * 1.0;
        case POWER -> g.powerWatts() == null ? null : g.powerWatts() + 0.0;
      };
    }
  }

  @Property(tries = 1000)
  void anXmlNumberIsKeptWhenPlausibleElseDroppedAndCounted(
      @ForAll NumericField field, @ForAll("values") Value value) {
    String xml =
        XML.replaceFirst(
            "<" + field.element + ">[^<]*</",
            "<" + field.element + ">" + Matcher.quoteReplacement(value.text()) + "</");

    Parsed<NodeSnapshot> parsed = HangGuard.finishes(() -> SmiXmlParser.parse(xml, Instant.EPOCH));

    GpuSample gpu = parsed.value().orElseThrow().gpus().getFirst();
    Double expected = field.expected(value);
    assertThat(field.read(gpu)).isEqualTo(expected);
    assertThat(parsed.unparsed()).isEqualTo(expected == null ? 1 : 0);
  }

  @Property(tries = 1000)
  void aCsvNumberIsKeptWhenPlausibleElseDroppedAndCounted(
      @ForAll NumericField field, @ForAll("values") Value value) {
    String[] row = Fixtures.h100("query-gpu-nounits.csv").strip().split(", ");
    row[field.column] = value.text();
    String csv = String.join(", ", row);

    Parsed<List<GpuSample>> samples =
        HangGuard.finishes(
            () ->
                SmiCsvParser.samples(
                    SmiCsvParser.parseNoHeader(csv, SmiCsvParser.HEALTH_QUERY)
                        .value()
                        .orElseThrow()));

    Double expected = field.expected(value);
    assertThat(field.read(samples.value().orElseThrow().getFirst())).isEqualTo(expected);
    assertThat(samples.unparsed()).isEqualTo(expected == null ? 1 : 0);
  }

  @Property(tries = 100)
  void nestingIsReadUpToTheDepthLimitAndRefusedBeyond(
      @ForAll @IntRange(min = 1, max = 5000) int depth) {
    String xml = SmiHostileInputTest.nestedInGpu(depth);

    Parsed<NodeSnapshot> parsed = HangGuard.finishes(() -> SmiXmlParser.parse(xml, Instant.EPOCH));

    boolean tooDeep = 2 + depth > SmiXmlParser.MAX_DEPTH; // under nvidia_smi_log and gpu
    assertThat(parsed.value().isEmpty()).isEqualTo(tooDeep);
    if (!tooDeep) assertThat(parsed.unparsed()).isZero();
  }

  @Provide
  Arbitrary<List<String>> entityDeclarations() {
    return Arbitraries.of(
            "<!ENTITY a \"lol\">",
            "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">",
            "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">",
            "<!ENTITY x SYSTEM \"file:///etc/passwd\">",
            "<!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\">",
            "<!ENTITY % q \"<!ENTITY r 'oops'>\"> %q;",
            "<!ENTITY g \"<gpu id='00000000:00:07.0'><uuid>GPU-x</uuid></gpu>\">",
            "<!ELEMENT nvidia_smi_log ANY>",
            "<!ATTLIST gpu id CDATA #IMPLIED>")
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

  @Property(tries = 300)
  void aDocumentWithADtdOfItsOwnIsRefused(
      @ForAll("entityDeclarations") List<String> declarations,
      @ForAll("references") String reference) {
    String xml =
        SmiHostileInputTest.withInternalSubset(
            String.join("", declarations), "<driver_version>" + reference + "</driver_version>");

    Parsed<NodeSnapshot> parsed = HangGuard.finishes(() -> SmiXmlParser.parse(xml, Instant.EPOCH));

    assertThat(parsed.value()).isEmpty();
    assertThat(parsed.unparsed()).isEqualTo(1);
  }

  @Provide
  Arbitrary<String> references() {
    return Arbitraries.of("", "&a;", "&c;", "&x;", "&g;", "&r;", "580.159.04");
  }

  @Property(tries = 300)
  void truncatedCsvNeverThrows(@ForAll @IntRange(min = 0, max = 1010) int cut) {
    String truncated = CSV.substring(0, Math.min(cut, CSV.length()));
    Parsed<SmiCsvParser.Table> t = SmiCsvParser.parseWithHeader(truncated);
    t.value().ifPresent(SmiCsvParser::samples);
  }
}

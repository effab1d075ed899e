package dev.bosun.gpu.smi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

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

  @Property(tries = 300)
  void truncatedCsvNeverThrows(@ForAll @IntRange(min = 0, max = 1010) int cut) {
    String truncated = CSV.substring(0, Math.min(cut, CSV.length()));
    Parsed<SmiCsvParser.Table> t = SmiCsvParser.parseWithHeader(truncated);
    t.value().ifPresent(SmiCsvParser::samples);
  }
}

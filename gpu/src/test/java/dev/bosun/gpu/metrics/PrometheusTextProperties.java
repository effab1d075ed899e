package dev.bosun.gpu.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A label value PrometheusText writes, the strict reader of the format reads back from the UTF-8
 * bytes as the same value; a lone surrogate, which UTF-8 cannot carry, as U+FFFD.
 */
class PrometheusTextProperties {

  @Provide
  static Arbitrary<String> anyChars() {
    return Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(40);
  }

  @Property(tries = 3000)
  void everyLabelValueReadsBack(@ForAll("anyChars") String value) {
    String exposition =
        new PrometheusText()
            .family("m", "gauge", "help")
            .sample("m", Map.of("v", value), 1)
            .toString();
    String served = new String(exposition.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);

    assertThat(PrometheusFormat.parse(served))
        .singleElement()
        .satisfies(s -> assertThat(s.label("v")).isEqualTo(withoutLoneSurrogates(value)));
  }

  private static String withoutLoneSurrogates(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }
}

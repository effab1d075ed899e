package dev.bosun.gpu.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
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
  void everyLabelValueReadsBack(@ForAll("anyChars") String value) throws CharacterCodingException {
    String exposition =
        new PrometheusText()
            .family("m", "gauge", "help")
            .sample("m", Map.of("v", value), 1)
            .toString();
    String served = new String(exposition.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);

    String expected = withoutLoneSurrogates(value);
    assertThat(PrometheusFormat.parse(served))
        .singleElement()
        .satisfies(s -> assertThat(s.label("v")).isEqualTo(expected));
  }

  /**
   * What UTF-8 can carry of {@code s}: the JDK's encoder, told to put U+FFFD for what it cannot.
   */
  private static String withoutLoneSurrogates(String s) throws CharacterCodingException {
    CharsetEncoder utf8 =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .replaceWith("\uFFFD".getBytes(StandardCharsets.UTF_8));
    return StandardCharsets.UTF_8.decode(utf8.encode(CharBuffer.wrap(s))).toString();
  }
}

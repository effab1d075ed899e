package dev.bosun.gpu.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What {@link Json#string} writes, a real JSON parser (Jackson) reads back as the same string. */
class JsonProperties {

  private static final JsonFactory JSON = new JsonFactory();

  /** Any UTF-16 code unit: C0 and C1 controls, DEL, lone surrogates, U+2028, U+FFFE, U+FFFF. */
  @Provide
  static Arbitrary<String> anyChars() {
    return Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(40);
  }

  @Property(tries = 3000)
  void everyStringReadsBackAsTheSameString(@ForAll("anyChars") String text) throws IOException {
    assertThat(readBack(Json.string(text))).isEqualTo(text);
  }

  @Property(tries = 500)
  void theOutputIsAsciiSafeWhereItMatters(@ForAll("anyChars") String text) {
    String quoted = Json.string(text);
    assertThat(quoted.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)))
        .as("no raw control character")
        .isEmpty();
    assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(quoted))
        .as("valid UTF-8: no lone surrogate")
        .isTrue();
  }

  @Example
  void nullIsJsonNull() {
    assertThat(Json.string(null)).isEqualTo("null");
  }

  /** Parsed from UTF-8 bytes, as a reader of the output would. */
  private static String readBack(String json) throws IOException {
    try (JsonParser p = JSON.createParser(json.getBytes(StandardCharsets.UTF_8))) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
      String value = p.getText();
      assertThat(p.nextToken()).isNull();
      return value;
    }
  }
}

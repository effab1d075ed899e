package dev.bosun.compiler.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** What YamlWriter writes, a YAML reader reads back as the same value. */
class YamlWriterProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 2000)
  void everyStringReadsBackAsTheSameString(@ForAll String text) {
    Object read =
        new Load(LoadSettings.builder().build())
            .loadFromString("key: " + YamlWriter.scalar(text) + "\n");
    assertThat(read).isEqualTo(Map.of("key", text));
  }

  /** Any UTF-16 code unit: C0 and C1 controls, DEL, lone surrogates, U+2028, U+FFFE, U+FFFF. */
  @Provide
  static Arbitrary<String> anyChars() {
    return Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(40);
  }

  @Property(tries = 3000)
  void everyCharacterReadsBackAsItself(@ForAll("anyChars") String text) {
    Object read =
        new Load(LoadSettings.builder().build())
            .loadFromString("key: " + YamlWriter.scalar(text) + "\n");
    assertThat(read).isEqualTo(Map.of("key", text));
  }

  /** Arbitrary strings are seldom plain; these are, often, and sit right at the edge of plain. */
  @Property(tries = 5000)
  void wordLikeStringsReadBackAsTheSameString(
      @ForAll
          @StringLength(max = 10)
          @Chars({
            'a', 'e', 'E', 'b', 'x', 'o', 'y', 'n', 'N', 'u', 'l', '0', '1', ' ', ':', '-', '_',
            '.', '/', '@', '#', '+'
          })
          String text) {
    Object read =
        new Load(LoadSettings.builder().build())
            .loadFromString("key: " + YamlWriter.scalar(text) + "\n");
    assertThat(read).isEqualTo(Map.of("key", text));
  }

  @Example
  void stringsThatLookLikeOtherTypesAreQuoted() {
    for (String text :
        List.of(
            "true", "No", "null", "~", "128", "0.5", "1e3", "0x1F", "80G", "- a", "a: b", "a #b",
            "", " x", "@x", "*x", "!x")) {
      Object read =
          new Load(LoadSettings.builder().build())
              .loadFromString("key: " + YamlWriter.scalar(text) + "\n");
      assertThat(read).as(text).isEqualTo(Map.of("key", text));
    }
  }

  @Example
  void theRenderedExamplesReadBackAsTheirJson() throws Exception {
    var read = ManifestReader.read("chat.yaml", Files.readString(Path.of("../examples/chat.yaml")));
    var rendered = Renderer.render(read.manifests(), TierCatalog.defaults(), null).objects();
    Iterable<Object> documents =
        new Load(LoadSettings.builder().build()).loadAllFromString(Output.yaml(rendered));
    int index = 0;
    for (Object document : documents) {
      Object expected = JSON.readValue(Output.json(rendered.get(index++)), Object.class);
      assertThat(document).isEqualTo(expected);
    }
    assertThat(index).isEqualTo(rendered.size());
  }
}

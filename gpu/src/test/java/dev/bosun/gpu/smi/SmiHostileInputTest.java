package dev.bosun.gpu.smi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.HangGuard;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nvidia-smi's XML and CSV readers against issue 10's hostile documents, and their limits. */
class SmiHostileInputTest {

  static final String XML = Fixtures.h100("nvidia-smi-q.xml");
  static final String ROW =
      "0, GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94, NVIDIA H100 80GB HBM3, 37, 0, 0, 81559, 106.82,"
          + " 0, No, No\n";

  /** The real document with {@code subset} as its DTD's internal subset. */
  static String withInternalSubset(String subset, String driverVersion) {
    return XML.replace(
            "<!DOCTYPE nvidia_smi_log SYSTEM \"nvsmi_device_v13.dtd\">",
            "<!DOCTYPE nvidia_smi_log SYSTEM \"nvsmi_device_v13.dtd\" [" + subset + "]>")
        .replaceFirst("<driver_version>[^<]*</driver_version>", driverVersion);
  }

  static Parsed<NodeSnapshot> parse(String xml) {
    return HangGuard.finishes(() -> SmiXmlParser.parse(xml, Instant.EPOCH));
  }

  @Test
  void anExternalEntityIsRefusedNotRead() {
    Parsed<NodeSnapshot> parsed =
        parse(
            withInternalSubset(
                "<!ENTITY x SYSTEM \"file:///etc/hostname\">",
                "<driver_version>&x;</driver_version>"));
    assertThat(parsed.value()).isEmpty();
    assertThat(parsed.problems())
        .containsExactly("nvidia-smi XML declares a DTD of its own: refused");
  }

  @Test
  void billionLaughsAreRefused() {
    StringBuilder subset = new StringBuilder("<!ENTITY lol0 \"lol\">");
    for (int i = 1; i <= 12; i++)
      subset.append("<!ENTITY lol%d \"%s\">".formatted(i, "&lol%d;".formatted(i - 1).repeat(10)));
    Parsed<NodeSnapshot> parsed =
        parse(withInternalSubset(subset.toString(), "<driver_version>&lol12;</driver_version>"));
    assertThat(parsed.value()).isEmpty();
    assertThat(parsed.unparsed()).isEqualTo(1);
  }

  @Test
  void aDocumentOverTheSizeLimitIsRefusedUnread() {
    String padded =
        XML.replace("</nvidia_smi_log>", " ".repeat(SmiXmlParser.MAX_CHARS) + "</nvidia_smi_log>");
    assertThat(parse(padded).problems())
        .singleElement()
        .asString()
        .contains("over the limit of " + SmiXmlParser.MAX_CHARS);
  }

  @Test
  void nestingBeyondTheDepthLimitIsRefused() {
    int inGpu = SmiXmlParser.MAX_DEPTH - 2; // nvidia_smi_log > gpu > ...
    assertThat(parse(nestedInGpu(inGpu)).value()).isPresent();
    assertThat(parse(nestedInGpu(inGpu + 1)).value()).isEmpty();
    assertThat(parse(nestedInGpu(100_000)).problems())
        .containsExactly("nvidia-smi XML unreadable: SAXParseException");
  }

  static String nestedInGpu(int depth) {
    return XML.replaceFirst(
        "(<gpu id=\"[^\"]*\">)", "$1" + "<x>".repeat(depth) + "</x>".repeat(depth));
  }

  @Test
  void csvOverItsLimitsIsRefusedOrCountedBeforeItIsSplit() {
    assertThat(SmiCsvParser.parseNoHeader(" ".repeat(SmiCsvParser.MAX_CHARS + 1), List.of("a")))
        .satisfies(p -> assertThat(p.value()).isEmpty());
    assertThat(SmiCsvParser.parseWithHeader("a" + ",a".repeat(SmiCsvParser.MAX_COLUMNS)).value())
        .isEmpty();

    Parsed<SmiCsvParser.Table> commas =
        HangGuard.finishes(
            () ->
                SmiCsvParser.parseNoHeader(
                    ",".repeat(SmiCsvParser.MAX_CHARS - 1), SmiCsvParser.HEALTH_QUERY));
    assertThat(commas.unparsed()).isEqualTo(1);
    assertThat(commas.problems()).containsExactly("row with 4194304 values, want 11");

    Parsed<SmiCsvParser.Table> tooManyRows =
        SmiCsvParser.parseNoHeader(
            ROW.repeat(SmiCsvParser.MAX_ROWS + 3), SmiCsvParser.HEALTH_QUERY);
    assertThat(tooManyRows.value().orElseThrow().rows()).hasSize(SmiCsvParser.MAX_ROWS);
    assertThat(tooManyRows.unparsed()).isEqualTo(3);
  }
}

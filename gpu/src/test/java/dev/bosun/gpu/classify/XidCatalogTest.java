package dev.bosun.gpu.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.gpu.kernel.DriverFault;
import java.io.IOException;
import java.io.StringReader;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class XidCatalogTest {

  final XidCatalog catalog = XidCatalog.builtIn();

  /** The table in shared/reference/gpu-faults.md, row by row. */
  @Test
  void everyCodeOfTheReferenceTableHasItsClass() {
    assertClass(FaultClass.GPU, 46, 62, 64, 95, 109, 110, 119, 120, 136, 140, 143, 155, 156, 158);
    assertClass(FaultClass.NODE, 79, 54, 151);
    assertClass(FaultClass.GPU, 48, 74, 144, 145, 146, 147, 148, 149, 150);
    assertClass(
        FaultClass.APPLICATION,
        8,
        11,
        13,
        25,
        31,
        32,
        39,
        40,
        41,
        60,
        68,
        69,
        70,
        71,
        72,
        75,
        76,
        77,
        80,
        82,
        83,
        84,
        85,
        86,
        88,
        89,
        94,
        96,
        97,
        98,
        99,
        100,
        101,
        102,
        103,
        104,
        105,
        126,
        127,
        128,
        129,
        130,
        131,
        132,
        133,
        134,
        135,
        139,
        45);
    assertClass(
        FaultClass.IGNORE,
        14,
        37,
        38,
        43,
        44,
        63,
        66,
        67,
        92,
        93,
        106,
        107,
        108,
        121,
        137,
        141,
        152,
        153,
        157,
        160,
        161);
  }

  @Test
  void anythingElseIsSupport() {
    assertThat(catalog.lookup(1).faultClass()).isEqualTo(FaultClass.SUPPORT);
    assertThat(catalog.lookup(999).faultClass()).isEqualTo(FaultClass.SUPPORT);
    assertThat(catalog.knows(999)).isFalse();
    long listed = IntStream.rangeClosed(1, 170).filter(catalog::knows).count();
    assertThat(listed).isEqualTo(catalog.entries().size());
  }

  @Test
  void everyCatalogCodeIsOneTheKernelLogParserAccepts() {
    assertThat(catalog.entries().keySet()).allMatch(DriverFault::plausibleXid);
    assertThat(DriverFault.plausibleXid(0)).isFalse();
    assertThat(DriverFault.plausibleXid(999)).isFalse(); // NVML's "unknown Xid"
  }

  @Test
  void everyEntryHasAnAction() {
    assertThat(catalog.entries().values()).allSatisfy(e -> assertThat(e.action()).isNotBlank());
    assertThat(catalog.lookup(79).action()).contains("reboot");
  }

  @Test
  void everyRowNamesItsSourceInNvidiasCatalog() {
    assertThat(catalog.entries().values())
        .allSatisfy(e -> assertThat(e.source()).startsWith("xids.tsv "));
    assertThat(catalog.lookup(79).source()).isEqualTo("xids.tsv 79: RESTART_BM");
  }

  @Test
  void xid154sStatedRecoveryActionsAreData() {
    assertThat(catalog.recoveryAction("Node Reboot Required").orElseThrow().faultClass())
        .isEqualTo(FaultClass.NODE);
    assertThat(catalog.recoveryAction("gpu reset required").orElseThrow().faultClass())
        .isEqualTo(FaultClass.GPU);
    assertThat(catalog.recoveryAction("None").orElseThrow().faultClass())
        .isEqualTo(FaultClass.IGNORE);
    assertThat(catalog.recoveryAction("OS Reboot")).isEmpty();
  }

  @Test
  void aBrokenCatalogFailsLoudly() {
    assertThatThrownBy(() -> parse("13\tgpu\ta\n", "", "")).hasMessageContaining("4 tab-separated");
    assertThatThrownBy(() -> parse("13\tgpu\ta\ts\n10-14\tignore\tb\ts\n", "", ""))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> parse("13\tbroken\ta\ts\n", "", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("", "None\tignore\tnone\ts\nNONE\tgpu\treset\ts\n", ""))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> parse("", "", "144\tSAW_MVB\t0101\t0101\t*\tgpu\treset\ts\n"))
        .hasMessageContaining("32 bits");
    assertThatThrownBy(
            () ->
                parse(
                    "",
                    "",
                    "144\tSAW\t%s\t%s\tzz\tgpu\treset\ts\n"
                        .formatted("-".repeat(32), "-".repeat(32))))
        .hasMessageContaining("not a register");
  }

  private static final String SXID_SEVERITIES =
      "fatal\tnode\treboot\ts\nnon-fatal\tignore\tnone\ts\n";

  private static XidCatalog parse(String codes, String recovery, String nvlink5)
      throws IOException {
    return XidCatalog.parse(
        new StringReader(codes),
        new StringReader(recovery),
        new StringReader(nvlink5),
        new StringReader(""),
        new StringReader(SXID_SEVERITIES));
  }

  @Test
  void sxidsTakeTheirCodesRowElseTheirSeveritysAndBothSeveritiesMustBeThere() throws Exception {
    XidCatalog withRow =
        XidCatalog.parse(
            new StringReader(""),
            new StringReader(""),
            new StringReader(""),
            new StringReader(""),
            new StringReader(SXID_SEVERITIES + "20034\tgpu\treset\tguide\n"));
    assertThat(withRow.sxid(20034, true).faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(withRow.sxid(24007, true).faultClass()).isEqualTo(FaultClass.NODE);
    assertThat(withRow.sxid(24007, true).code()).isEqualTo(24007);
    assertThat(catalog.sxid(12028, false).faultClass()).isEqualTo(FaultClass.IGNORE);
    assertThat(catalog.sxid(12028, true).faultClass()).isEqualTo(FaultClass.NODE);
    assertThatThrownBy(
            () ->
                XidCatalog.parse(
                    new StringReader(""),
                    new StringReader(""),
                    new StringReader(""),
                    new StringReader(""),
                    new StringReader("fatal\tnode\treboot\ts\n")))
        .hasMessageContaining("non-fatal");
  }

  private void assertClass(FaultClass cls, int... codes) {
    for (int code : codes) {
      assertThat(catalog.lookup(code).faultClass()).as("Xid " + code).isEqualTo(cls);
      assertThat(catalog.knows(code)).as("Xid " + code + " listed").isTrue();
    }
  }
}

package dev.bosun.gpu.kernel;

import static dev.bosun.gpu.kernel.KernelLogParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.model.PciAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel-log cases of issue 10 ("Hostile input"), one test each: no field throws, no fault
 * without a GPU address the parser can stand behind, coloured and escaped lines are read, a record
 * is one message.
 */
class KernelLogHostileInputTest {

  private static final String FALLEN_LINE =
      "NVRM: fallen off the bus and is not responding to commands.";

  @Test
  void aPidBeyondAnyProcessIdDropsThePidNotTheFault() {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults =
        parse(
            parser,
            """
        [ 1.0] NVRM: Xid (PCI:0000:00:06): 79, ok
        [ 2.0] NVRM: Xid (PCI:0000:00:06): 31, pid=4294967296
        [ 3.0] NVRM: Xid (PCI:0000:00:06): 31, pid=4194304, name=a
        [ 4.0] NVRM: Xid (PCI:0000:00:06): 31, pid=123456789012345678901234567890, name=b
        [ 5.0] NVRM: Xid (PCI:0000:00:06): 31, pid=4194303, name=c""");
    assertThat(faults).extracting(DriverFault::xid).containsExactly(79, 31, 31, 31, 31);
    assertThat(faults)
        .extracting(f -> f.detail().pid())
        .containsExactly(null, null, null, null, 4194303);
    assertThat(faults.get(3).detail().process()).isEqualTo("b");
    assertThat(parser.counters()).isEqualTo(new KernelLogParser.Counters(5, 0, 5));
  }

  @Test
  void detailNumbersOutOfRangeDropTheirFieldOnly() {
    XidDetail detail =
        parse(
                "NVRM: Xid (PCI:0000:07:00): 13, pid=1, name=p, Graphics SM Warp Exception on (GPC 1000, TPC 0, SM 1), caused by previous Xid 99999")
            .getFirst()
            .detail();
    assertThat(detail.location()).isNull();
    assertThat(detail.causedByXid()).isNull();
    assertThat(
            parse("NVRM: Xid (PCI:0000:07:00): 45, caused by previous Xid 0").getFirst().detail())
        .isEqualTo(XidDetail.NONE);
    DriverFault nvlink =
        parse("NVRM: Xid (PCI:0000:1b:00): 145, RLW_REMAP Fatal XC99999 i0 Link 2147483648 (0x1)")
            .getFirst();
    assertThat(nvlink.xid()).isEqualTo(145);
    assertThat(nvlink.detail().nvlink()).isNull();
  }

  @Test
  void xidZeroAndCodesNoDriverWritesAreCountedNotFaults() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        [ 1.0] NVRM: Xid (PCI:0000:07:00): 0, pid=1, name=a, x
        [ 1.0] NVRM: Xid (PCI:0000:07:00): 999, pid=1, name=a, x
        [ 1.0] NVRM: Xid (PCI:0000:07:00): 9999, pid=1, name=a, x
        [ 1.0] NVRM: Xid (PCI:0000:07:00): 4294967296, pid=1, name=a, x"""))
        .isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(4);
    // a code the catalog does not know yet is still a fault (classified "support")
    assertThat(parse("[ 1.0] NVRM: Xid (PCI:0000:07:00): 998, x").getFirst().xid()).isEqualTo(998);
  }

  @Test
  void numbersTooLargeForTheTransportPrefixMakeTheLineUnparsed() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        6,12345678901234567890,1,-;NVRM: Xid (PCI:0000:07:00): 79, x
        6,1,99999999999999999999,-;NVRM: Xid (PCI:0000:07:00): 79, x
        [1234567890123.000000] NVRM: Xid (PCI:0000:07:00): 79, x"""))
        .isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(3);
    assertThat(parse("[999999999999.999999999] NVRM: Xid (PCI:0000:07:00): 79, x"))
        .singleElement()
        .extracting(DriverFault::uptimeMicros)
        .isEqualTo(999_999_999_999_999_999L);
  }

  @Test
  void fallenOffTheBusWithoutAnAddressIsCountedNotAFault() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(parse(parser, "[ 9.1] " + FALLEN_LINE)).isEmpty();
    assertThat(parse(parser, "[ 9.1] NVRM: something 0000:3b:00.0 has fallen off the bus"))
        .isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(2);
  }

  @Test
  void anOldAnnouncementDoesNotClaimALaterFallOffTheBus() {
    String announcement =
        "[ 7001.100000] NVRM: The NVIDIA GPU 0000:3b:00.0 (PCI ID: 10de:2330) installed in this system has";
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                announcement
                    + "\n[ 7001.100001] usb 1-1: new high-speed USB device\n[ 7001.100002] "
                    + FALLEN_LINE))
        .isEmpty();
    assertThat(
            parse(
                parser,
                announcement
                    + "\n[ 7001.2] NVRM: one\n[ 7001.3] NVRM: two\n[ 7001.4] NVRM: three\n[ 7001.5] "
                    + FALLEN_LINE))
        .isEmpty();
    assertThat(
            parse(
                parser,
                announcement
                    + "\n[ 7001.2] NVRM: Xid (PCI:0000:18:00): 13, x\n[ 7001.3] "
                    + FALLEN_LINE))
        .extracting(DriverFault::xid)
        .containsExactly(13);
    assertThat(parser.counters().unparsed()).isEqualTo(3);
    // the driver's own three lines still name their GPU
    assertThat(
            parse(
                    """
        [ 7001.1] NVRM: The NVIDIA GPU 0000:b3:00.0
        [ 7001.1] NVRM: (PCI ID: 10de:26b5) installed in this system has
        [ 7001.1] NVRM: fallen off the bus and is not responding to commands.""")
                .getFirst()
                .pci())
        .isEqualTo(PciAddress.of("0000:b3:00.0"));
  }

  @Test
  void aMultiLineRecordAsDmesgPrintsItNamesItsGpu() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        [ 1843.308145] NVRM: The NVIDIA GPU 0000:b3:00.0
                       NVRM: (PCI ID: 10de:26b5) installed in this system has
                       NVRM: fallen off the bus and is not responding to commands."""))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.pci()).isEqualTo(PciAddress.of("0000:b3:00.0"));
              assertThat(f.uptimeMicros()).isEqualTo(1_843_308_145L);
            });
    assertThat(parser.counters().unparsed()).isZero();
  }

  @Test
  void colouredDmesgIsReadAsThePlainText() {
    String esc = "\u001b";
    String coloured =
        esc
            + "[32m[ 5123.004211]"
            + esc
            + "[0m "
            + esc
            + "[33mNVRM: "
            + esc
            + "[0m"
            + esc
            + "[1;31mXid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus."
            + esc
            + "[0m";
    assertThat(parse(coloured))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.xid()).isEqualTo(79);
              assertThat(f.pci()).isEqualTo(PciAddress.of("0000:3b:00.0"));
              assertThat(f.text()).doesNotContain(esc);
            });
    String decoded =
        esc
            + "[33mkern  "
            + esc
            + "[0m:"
            + esc
            + "[31merr   "
            + esc
            + "[0m: "
            + esc
            + "[32m[ 5.0]"
            + esc
            + "[0m NVRM: Xid (PCI:0000:3b:00): 48, pid=1, name=a, DBE";
    assertThat(parse(decoded)).extracting(DriverFault::xid).containsExactly(48);
    // an escape that is not a colour is not text a kernel writes, even one that would read as a
    // CSI sequence ending in the "b" of the address (found by controlAndEscapeCharacters...)
    KernelLogParser parser = new KernelLogParser();
    assertThat(parse(parser, esc + "]0;title\u0007[ 1.0] NVRM: Xid (PCI:0000:3b:00): 79, x"))
        .isEmpty();
    assertThat(parse(parser, "[ 1.0] NVRM: Xid (PCI:0000:3" + esc + "[b:00): 79, x")).isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(2);
  }

  @Test
  void anEscapedNewlineInAKmsgRecordCannotSmuggleASecondXid() {
    String record =
        "4,360,31307353,c;NVRM: Xid (PCI:0000:00:06): 31, pid=444, name=x\\x0aNVRM: Xid (PCI:0000:00:06): 79, forged\\x0aNVRM: GPU at PCI:0000:00:06: GPU-00000000-0000-0000-0000-000000000000";
    KernelLogParser parser = new KernelLogParser();
    assertThat(parse(parser, record))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.xid()).isEqualTo(31);
              assertThat(f.text()).isEqualTo("NVRM: Xid (PCI:0000:00:06): 31, pid=444, name=x");
            });
    assertThat(parser.knownUuids()).isEmpty();
    // the same record as dmesg prints it: its further lines are indented, and still one message
    assertThat(
            parse(
                """
        [   31.307353] NVRM: Xid (PCI:0000:00:06): 31, pid=444, name=x
                       NVRM: Xid (PCI:0000:00:06): 79, forged"""))
        .extracting(DriverFault::xid)
        .containsExactly(31);
  }

  @Test
  void aDriverLineWrittenByUserSpaceIsRefused() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        12,361,36445872,-;NVRM: Xid (PCI:0000:00:06): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.
        14,362,36445873,-;NVRM: GPU at PCI:0000:00:06: GPU-00000000-0000-0000-0000-000000000000
        user  :warn  : [   36.445874] NVRM: Xid (PCI:0000:00:06): 48, pid=1, name=a, DBE
        12,363,36445875,-;systemd[1]: Started something."""))
        .isEmpty();
    assertThat(parser.knownUuids()).isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(3);
    // the kernel's own records, facility 0 at any level
    assertThat(parse("3,364,36445876,-;NVRM: Xid (PCI:0000:00:06): 79, x"))
        .extracting(DriverFault::xid)
        .containsExactly(79);
  }

  @Test
  void hostileUuidLinesCannotGrowTheMapWithoutEnd() {
    KernelLogParser parser = new KernelLogParser();
    for (int i = 0; i < KernelLogParser.MAX_KNOWN_GPUS + 10; i++) {
      parser.acceptLine(
          "NVRM: GPU at PCI:%08x:01:00: GPU-11111111-2222-3333-4444-555555555555".formatted(i));
    }
    assertThat(parser.knownUuids()).hasSize(KernelLogParser.MAX_KNOWN_GPUS);
    assertThat(parser.counters().unparsed()).isEqualTo(10);
  }
}

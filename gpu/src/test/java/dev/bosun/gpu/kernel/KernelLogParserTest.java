package dev.bosun.gpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.model.PciAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelLogParserTest {

  static List<DriverFault> parse(KernelLogParser parser, String text) {
    List<DriverFault> faults = new ArrayList<>();
    text.lines().forEach(line -> faults.addAll(parser.acceptLine(line)));
    return faults;
  }

  static List<DriverFault> parse(String text) {
    return parse(new KernelLogParser(), text);
  }

  @Test
  void realKmsgRecordsFromAnH100() {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = parse(parser, Fixtures.h100("xid-kmsg-records.txt"));

    assertThat(faults).hasSize(2);
    DriverFault mmu = faults.get(0);
    assertThat(mmu.xid()).isEqualTo(31);
    assertThat(mmu.sequence()).isEqualTo(360);
    assertThat(mmu.uptimeMicros()).isEqualTo(31_307_353L);
    assertThat(mmu.pci()).isEqualTo(PciAddress.of("0000:00:06.0"));
    assertThat(mmu.uuid())
        .isEqualTo(
            "GPU-b14f29ef-62d4-ce9f-f7aa-d0ae390886a6"); // from the "GPU at PCI" record before it
    assertThat(mmu.detail().pid()).isEqualTo(444);
    assertThat(mmu.detail().process()).isEqualTo("python3");
    assertThat(mmu.detail().channel()).isEqualTo("0000000a");
    assertThat(mmu.text())
        .startsWith("NVRM: Xid (PCI:0000:00:06): 31, pid=444")
        .endsWith("ACCESS_TYPE_VIRT_WRITE");
    assertThat(faults.get(1).xid()).isEqualTo(43);
    assertThat(faults.get(1).detail().pid()).isEqualTo(469);
    assertThat(parser.counters()).isEqualTo(new KernelLogParser.Counters(4, 0, 2));
  }

  @Test
  void theSameFaultsThroughDmesg() {
    List<DriverFault> faults = parse(Fixtures.h100("xid-dmesg.txt"));
    assertThat(faults).extracting(DriverFault::xid).containsExactly(31, 43);
    assertThat(faults).extracting(DriverFault::sequence).containsOnlyNulls();
    assertThat(faults.getFirst().uptimeMicros()).isEqualTo(31_307_353L);
    assertThat(faults.getFirst().uuid()).isEqualTo("GPU-b14f29ef-62d4-ce9f-f7aa-d0ae390886a6");
  }

  @Test
  void aHealthyBootLogHasNoFaultAndNothingUnreadable() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(parse(parser, Fixtures.h100("dmesg-nvidia.txt"))).isEmpty();
    assertThat(parser.counters().unparsed()).isZero();
  }

  @Test
  void theThreeShapesOfTheReference() {
    List<DriverFault> faults =
        parse(
            """
        [ 5123.004211] NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.
        Nov 02 11:20:31 gpu-node-7 kernel: NVRM: Xid (PCI:0000:86:00): 13, pid=48211, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address
        6,20931,88412233412,-;NVRM: Xid (PCI:0000:18:00): 48, pid=1201, name=torchrun, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1a2b3c000 partition 3, subpartition 0.""");

    assertThat(faults).extracting(DriverFault::xid).containsExactly(79, 13, 48);
    assertThat(faults)
        .extracting(f -> f.pci().toString())
        .containsExactly("0000:3b:00.0", "0000:86:00.0", "0000:18:00.0");
    assertThat(faults.get(0).detail().pid()).isNull();
    assertThat(faults.get(0).detail().process()).isNull();
    assertThat(faults.get(0).uptimeMicros()).isEqualTo(5_123_004_211L);
    assertThat(faults.get(1).detail().pid()).isEqualTo(48211);
    assertThat(faults.get(1).detail().location()).isEqualTo("GPC 1, TPC 0, SM 1");
    assertThat(faults.get(1).uptimeMicros()).isNull();
    assertThat(faults.get(2).detail().process()).isEqualTo("torchrun");
    assertThat(faults.get(2).sequence()).isEqualTo(20931);
  }

  @Test
  void pidAndNameMayBeAbsent() {
    DriverFault f =
        parse("[  12.000001] NVRM: Xid (PCI:0000:07:00): 62, 0cad(2d50) 00000000 00000000")
            .getFirst();
    assertThat(f.xid()).isEqualTo(62);
    assertThat(f.detail()).isEqualTo(XidDetail.NONE);
  }

  @Test
  void olderDriversOmitThePciPrefix() {
    assertThat(
            parse("NVRM: Xid (0000:03:00): 13, 0003 00000000 0000a1c0 000010a0").getFirst().pci())
        .isEqualTo(PciAddress.of("0000:03:00.0"));
  }

  @Test
  void bothChannelSpellings() {
    assertThat(
            parse("NVRM: Xid (PCI:0000:07:00): 68, pid=77, name=a.out, Ch 0000001f, intr 00000000")
                .getFirst()
                .detail()
                .channel())
        .isEqualTo("0000001f");
    assertThat(
            parse("NVRM: Xid (PCI:0000:07:00): 68, pid=77, name=a.out, channel 0x0000001F")
                .getFirst()
                .detail()
                .channel())
        .isEqualTo("0000001f");
  }

  @Test
  void causedByPreviousXid() {
    DriverFault f =
        parse(
                "NVRM: Xid (PCI:0000:07:00): 45, pid=9, name=python, Ch 00000008, Preemptive Cleanup, caused by previous Xid 48")
            .getFirst();
    assertThat(f.detail().causedByXid()).isEqualTo(48);
  }

  @Test
  void nvlink5Details() {
    DriverFault fatal =
        parse(
                "[ 99.1] NVRM: Xid (PCI:0000:1b:00): 145, RLW_REMAP Fatal XC0 i0 Link 12 (0x00450000 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)")
            .getFirst();
    assertThat(fatal.detail().nvlink())
        .isEqualTo(
            new NvLinkDetail(
                "RLW_REMAP",
                true,
                0,
                0,
                12,
                List.of(
                    "0x00450000",
                    "0x00000000",
                    "0x00000000",
                    "0x00000000",
                    "0x00000000",
                    "0x00000000")));
    DriverFault nonfatal =
        parse(
                "NVRM: Xid (PCI:0000:1b:00): 149, NETIR_LINK_EVT Nonfatal XC3 i1 Link -1 (0x00000002)")
            .getFirst();
    assertThat(nonfatal.detail().nvlink().fatal()).isFalse();
    assertThat(nonfatal.detail().nvlink().link()).isEqualTo(-1);
    assertThat(nonfatal.detail().nvlink().xc()).isEqualTo(3);
    // the same words on a non-NVLink5 code are just text
    assertThat(
            parse("NVRM: Xid (PCI:0000:1b:00): 13, X Fatal XC0 i0 Link 1 (0x1)")
                .getFirst()
                .detail()
                .nvlink())
        .isNull();
  }

  @Test
  void fallenOffTheBusWithoutXidOverTwoLines() {
    List<DriverFault> faults =
        parse(
            """
        [ 7001.100000] NVRM: The NVIDIA GPU 0000:3b:00.0 (PCI ID: 10de:2330) installed in this system has
        [ 7001.100001] NVRM: fallen off the bus and is not responding to commands.""");
    assertThat(faults).hasSize(1);
    assertThat(faults.getFirst().xid()).isNull();
    assertThat(faults.getFirst().pci()).isEqualTo(PciAddress.of("0000:3b:00.0"));
    assertThat(faults.getFirst().fellOffTheBus()).isTrue();
  }

  @Test
  void fallenOffTheBusOverThreeLinesAndAsOneKmsgRecordWithEscapedNewlines() {
    assertThat(
            parse(
                    """
        Nov 02 11:20:31 n1 kernel: NVRM: The NVIDIA GPU 0000:86:00.0
        Nov 02 11:20:31 n1 kernel: NVRM: (PCI ID: 10de:2330) installed in this system has
        Nov 02 11:20:31 n1 kernel: NVRM: fallen off the bus and is not responding to commands.""")
                .getFirst()
                .pci())
        .isEqualTo(PciAddress.of("0000:86:00.0"));
    List<DriverFault> kmsg =
        parse(
            "3,500,7001100000,-;NVRM: The NVIDIA GPU 0000:18:00.0 (PCI ID: 10de:2330) installed in this system has\\x0aNVRM: fallen off the bus and is not responding to commands.");
    assertThat(kmsg)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.pci()).isEqualTo(PciAddress.of("0000:18:00.0"));
              assertThat(f.xid()).isNull();
              assertThat(f.sequence()).isEqualTo(500);
            });
  }

  @Test
  void fallenOffTheBusOnOneLineNamesItsGpu() {
    assertThat(parse("[ 9.1] NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.").getFirst().pci())
        .isEqualTo(PciAddress.of("0000:3b:00.0"));
    assertThat(
            parse(
                    "[ 9.1] NVRM: The NVIDIA GPU 0000:05:00.0 installed in this system has fallen off the bus and is not responding to commands.")
                .getFirst()
                .pci())
        .isEqualTo(PciAddress.of("0000:05:00.0"));
  }

  @Test
  void pciToUuidLinesArePerGpuAndRemembered() {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults =
        parse(
            parser,
            """
        4,10,100,c;NVRM: GPU at PCI:0000:18:00: GPU-11111111-2222-3333-4444-555555555555
        4,11,101,c;NVRM: GPU at PCI:0000:2a:00: GPU-AAAAAAAA-2222-3333-4444-555555555555
        4,12,102,c;NVRM: Xid (PCI:0000:2a:00): 94, pid=1, name=x, Contained ECC error
        4,13,103,c;NVRM: Xid (PCI:0000:3a:00): 94, pid=1, name=x, Contained ECC error
        4,14,104,c;NVRM: Xid (PCI:0000:18:00): 94, pid=1, name=x, Contained ECC error""");
    assertThat(faults)
        .extracting(DriverFault::uuid)
        .containsExactly(
            "GPU-aaaaaaaa-2222-3333-4444-555555555555",
            null,
            "GPU-11111111-2222-3333-4444-555555555555");
    assertThat(parser.knownUuids()).hasSize(2);
  }

  @Test
  void mixedShapesInOneInput() {
    List<DriverFault> faults =
        parse(
            """
        4,1,1000,-;NVRM: Xid (PCI:0000:18:00): 48, pid=1, name=a, DBE
        [ 2.000000] NVRM: Xid (PCI:0000:18:00): 63, pid=1, name=a, row remap
        2026-11-28T00:57:09.123456+00:00 node-1 kernel: NVRM: Xid (PCI:0000:18:00): 64, pid=1, name=a, failed
        Nov 28 00:57:10 node-1 kernel: [    3.000000] NVRM: Xid (PCI:0000:18:00): 92, pid=1, name=a, high SBE rate
        Nov 28 00:57:11.123456 node-1 kernel: NVRM: Xid (PCI:0000:18:00): 94, pid=1, name=a, contained
        [    4.500000] node-1 kernel: NVRM: Xid (PCI:0000:18:00): 95, pid=1, name=a, uncontained
        Nov 28 00:57:10 node-1 systemd[1]: Started something.
        random words that are not a kernel line""");
    assertThat(faults).extracting(DriverFault::xid).containsExactly(48, 63, 64, 92, 94, 95);
    assertThat(faults.get(3).uptimeMicros()).isEqualTo(3_000_000L);
    assertThat(faults.get(5).uptimeMicros()).isEqualTo(4_500_000L);
  }

  /**
   * journald exports and log shippers that cut the time and host off, as in NVIDIA's issue tracker.
   */
  @Test
  void onlyTheKernelTagInFront() {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults =
        parse(
            parser,
            """
        kernel: NVRM: Xid (PCI:0000:dc:00): 45, pid=1818990, name=python3, Ch 00000001 caused by previous Xid 149
        kernel: [ 5123.004211] NVRM: Xid (PCI:0000:ed:00): 45, pid=1818992, name=python3, Ch 0000000c caused by previous Xid 145""");
    assertThat(faults).extracting(DriverFault::xid).containsExactly(45, 45);
    assertThat(faults.get(0).pci()).isEqualTo(PciAddress.of("0000:dc:00.0"));
    assertThat(faults.get(0).detail().causedByXid()).isEqualTo(149);
    assertThat(faults.get(1).uptimeMicros()).isEqualTo(5_123_004_211L);
    assertThat(parser.counters().unparsed()).isZero();
  }

  /** {@code dmesg --decode}, with its ISO time ({@code --time-format iso}) or the uptime. */
  @Test
  void dmesgDecodeWithIsoTimeOrUptime() {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults =
        parse(
            parser,
            """
        kern  :warn  : 2025-01-25T10:34:54,859532+00:00 NVRM: Xid (PCI:0000:2a:00): 120, GSP task exception
        kern  :warn  : [ 5123.004211] NVRM: Xid (PCI:0000:2a:00): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)
        user  :warn  : 2025-01-25T10:34:55,000001+00:00 NVRM: Xid (PCI:0000:2a:00): 79, pid=1, name=x, GPU has fallen off the bus.""");
    assertThat(faults).extracting(DriverFault::xid).containsExactly(120, 154);
    assertThat(faults.get(1).uptimeMicros()).isEqualTo(5_123_004_211L);
    assertThat(parser.counters().unparsed()).isEqualTo(1); // user space posing as the driver
  }

  /** dmesg and journalctl print the further lines of a multi-line record indented under it. */
  @Test
  void fallenOffTheBusWithIndentedContinuationLines() {
    String dmesg =
        """
        [ 7001.100000] NVRM: The NVIDIA GPU 0000:3b:00.0
                       NVRM: (PCI ID: 10de:2330) installed in this system has
                       NVRM: fallen off the bus and is not responding to commands.""";
    String decoded =
        """
        kern  :err   : [ 7001.100000] NVRM: The NVIDIA GPU 0000:3b:00.0
                                      NVRM: (PCI ID: 10de:2330) installed in this system has
                                      NVRM: fallen off the bus and is not responding to commands.""";
    for (String log : List.of(dmesg, decoded)) {
      KernelLogParser parser = new KernelLogParser();
      assertThat(parse(parser, log))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.xid()).isNull();
                assertThat(f.pci()).isEqualTo(PciAddress.of("0000:3b:00.0"));
                assertThat(f.uptimeMicros()).isEqualTo(7_001_100_000L);
              });
      assertThat(parser.counters().unparsed()).isZero();
    }
  }

  /** The driver always writes the comma; the text after it may be empty. */
  @Test
  void aXidWithNothingAfterItsCode() {
    assertThat(
            parse(
                "[ 1.0] NVRM: Xid (PCI:0000:18:00): 79, \n[ 1.0] NVRM: Xid (PCI:0000:18:00): 43,"))
        .extracting(DriverFault::xid)
        .containsExactly(79, 43);
  }

  @Test
  void aPciAddressWithItsFunction() {
    assertThat(
            parse(
                "[ 1.0] NVRM: Xid (PCI:0000:3b:00.0): 79, pid=1, name=x, GPU has fallen off the bus."))
        .singleElement()
        .satisfies(f -> assertThat(f.pci()).isEqualTo(PciAddress.of("0000:3b:00.0")));
  }

  /** A MIG GPU's Xid names its GPU and compute instance in the parenthesis (kernel_rc.c). */
  @Test
  void aXidAttributedToMigInstances() {
    assertThat(
            parse(
                """
        [ 1.0] NVRM: Xid (PCI:0000:3b:00 GPU-I:01 GPU-CI:00): 31, pid=7, name=python3, MMU Fault
        [ 1.0] NVRM: Xid (PCI:0000:3b:00 GPU-I:02): 43, pid=8, name=python3, channel 0x00000003"""))
        .extracting(DriverFault::xid, f -> f.pci().toString())
        .containsExactly(tuple(31, "0000:3b:00.0"), tuple(43, "0000:3b:00.0"));
  }

  /**
   * The nvidia-nvswitch driver's lines, from public logs (nvidia/nvtrust#124, gpud, dmesg --decode
   * in gpud#338): the event line is a fault of the switch, the lines printed with it are not.
   */
  @Test
  void nvswitchSxidsAreTheSwitchsFaults() {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults =
        parse(
            parser,
            """
        [   38.174242] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  570.195.03  Release Build  (dvs-builder@U22-I3-H04-03-1)  Sat Sep 20 00:47:16 UTC 2025
        [   38.175561] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Data {0x0000002b, 0x0000002b, 0x00000000, 0x0000002b, 0x80005302, 0x00000000, 0x00000000, 0x00000000, 0x00000000}
        [   38.178720] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Non-fatal, Link 44 Minion Link DLREQ interrupt
        [   38.180708] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Severity 0 Engine instance 44 Sub-engine instance 00
        [131453.740743] nvidia-nvswitch0: SXid (PCI:0000:00:00.0): 20034, Fatal, Link 30 LTSSM Fault Up
        kern  :err   : 2025-01-25T10:34:54,859532+00:00 nvidia-nvswitch1: SXid (PCI:0000:84:00.0): 12028, Non-fatal, Link 61 egress non-posted PRIV error (First)""");
    assertThat(faults)
        .extracting(DriverFault::sxid)
        .containsExactly(
            new SwitchError(3, 22013, false, 44),
            new SwitchError(0, 20034, true, 30),
            new SwitchError(1, 12028, false, 61));
    assertThat(faults).allSatisfy(f -> assertThat(f.fromSwitch()).isTrue());
    assertThat(faults).allSatisfy(f -> assertThat(f.fellOffTheBus()).isFalse());
    assertThat(faults).extracting(DriverFault::xid).containsOnlyNulls();
    assertThat(faults.get(1).pci()).isEqualTo(PciAddress.of("0000:00:00.0"));
    assertThat(faults.get(1).uptimeMicros()).isEqualTo(131_453_740_743L);
    assertThat(parser.counters()).isEqualTo(new KernelLogParser.Counters(6, 0, 3));
  }

  @Test
  void aCutOrForgedSxidIsCountedNeverGuessed() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        [ 1.0] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24
        [ 1.0] nvidia-nvswitch0: SXid (PCI:0000:c3:0
        [ 1.0] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 0, Fatal, Link 1 x
        [ 1.0] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fa
        6,1,0,-;nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 x
        14,2,0,-;nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 x
        [ 1.0] nvidia-nvswitch0: probe of 0000:c3:00.0 succeeded"""))
        .singleElement() // the kernel's own record; facility 1 (user) is refused
        .satisfies(f -> assertThat(f.sequence()).isEqualTo(1));
    assertThat(parser.counters().unparsed()).isEqualTo(5);
  }

  @Test
  void xid74sLinkAndRegisters() {
    DriverFault f =
        parse(
                "[449410.332316] NVRM: Xid (PCI:0003:00:00): 74, pid='<unknown>', name=<unknown>, NVLink: fatal error detected on link 14(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)")
            .getFirst();
    assertThat(f.detail().nvlinkError())
        .isEqualTo(new NvLinkError(14, List.of(0L, 0L, 0x10000L, 0L, 0L, 0L, 0L)));
    assertThat(
            parse(
                    "[ 1.0] NVRM: Xid (PCI:0000:65:00): 74, pid=1, NVLink: fatal error detected on link 2")
                .getFirst()
                .detail()
                .nvlinkError())
        .isNull();
  }

  @Test
  void aCutXidLineIsCountedNeverGuessed() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        [ 1.0] NVRM: Xid (PCI:0000:18:00): 4
        [ 1.0] NVRM: Xid (PCI:0000:1
        [ 1.0] NVRM: GPU at PCI:0000:18:00: GPU-1111111
        [ 1.0] NVRM: fallen off the b"""))
        .isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(3);
    assertThat(parser.knownUuids()).isEmpty();
  }

  @Test
  void binaryAndOverlongLinesAreCounted() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(parser.acceptLine("6,1,0,-;NVRM: Xid (PCI:0000:18:00): 48, \u0000\u0001 x"))
        .isEmpty();
    assertThat(
            parser.acceptLine(
                "[ 1.0] NVRM: Xid (PCI:0000:18:00): 48, "
                    + "x".repeat(KernelLogParser.MAX_LINE_CHARS)))
        .isEmpty();
    assertThat(parser.acceptLine(BoundedLineReader.OVERLONG)).isEmpty();
    assertThat(parser.counters().unparsed()).isEqualTo(3);
  }

  @Test
  void kmsgDictionaryLinesAsCatPrintsThemAreNeitherFaultsNorGarbage() {
    KernelLogParser parser = new KernelLogParser();
    assertThat(
            parse(
                parser,
                """
        3,510,9001000,-;NVRM: Xid (PCI:0000:18:00): 48, pid=1, name=a, DBE
         SUBSYSTEM=pci
         DEVICE=+pci:0000:18:00.0
        """))
        .extracting(DriverFault::xid)
        .containsExactly(48);
    assertThat(parser.counters().unparsed()).isZero();
  }

  @Test
  void kmsgDictionaryEscapesDecode() {
    assertThat(KernelLine.unescapeKmsg("a\\x0ab\\x5cc\\x4")).isEqualTo("a\nb\\c\\x4");
  }
}

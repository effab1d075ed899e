package dev.bosun.gpu.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import dev.bosun.gpu.kernel.NvLinkDetail;
import dev.bosun.gpu.kernel.XidDetail;
import dev.bosun.gpu.model.PciAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XidClassifierTest {

  static final Instant T0 = Instant.parse("2026-11-28T01:00:00Z");
  static final PciAddress GPU_A = PciAddress.of("0000:18:00.0");
  static final PciAddress GPU_B = PciAddress.of("0000:2a:00.0");

  final XidClassifier classifier = XidClassifier.withDefaults();
  XidHistory history = XidHistory.EMPTY;

  XidClassifier.Verdict classify(PciAddress gpu, int code, Instant at) {
    return classify(gpu, code, XidDetail.NONE, at);
  }

  XidClassifier.Verdict classify(PciAddress gpu, int code, XidDetail detail, Instant at) {
    XidClassifier.Result r =
        classifier.classify(
            new DriverFault(
                DriverFault.Origin.KERNEL_LOG, null, null, gpu, null, code, detail, "Xid " + code),
            history,
            at);
    history = r.history();
    return r.verdict();
  }

  @Test
  void doubleBitEccAloneResetsTheGpu() {
    XidClassifier.Verdict v = classify(GPU_A, 48, T0);
    assertThat(v.faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(v.action()).isEqualTo("reset the GPU (double-bit ECC error)");
  }

  @Test
  void doubleBitEccWithRowRemapEventsOnTheSameGpuDrainsFirst() {
    assertThat(classify(GPU_A, 48, T0).action()).doesNotContain("drain");
    XidClassifier.Verdict v63 = classify(GPU_A, 63, T0.plusSeconds(1));
    assertThat(v63.faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(v63.action()).startsWith("drain");
    // and in the other order
    history = XidHistory.EMPTY;
    classify(GPU_A, 64, T0);
    assertThat(classify(GPU_A, 48, T0.plusSeconds(2)).action()).startsWith("drain");
  }

  @Test
  void rowRemapEventOnAnotherGpuOrLongAgoDoesNotPair() {
    classify(GPU_B, 63, T0);
    assertThat(classify(GPU_A, 48, T0.plusSeconds(1)).action()).doesNotContain("drain");
    history = XidHistory.EMPTY;
    classify(GPU_A, 63, T0);
    assertThat(classify(GPU_A, 48, T0.plus(Duration.ofHours(1))).action()).doesNotContain("drain");
    assertThat(classify(GPU_B, 63, T0.plus(Duration.ofHours(2))).faultClass())
        .isEqualTo(FaultClass.IGNORE);
  }

  @Test
  void repeatsOfThirteenOnOneGpuEscalate() {
    assertThat(classify(GPU_A, 13, T0).faultClass()).isEqualTo(FaultClass.APPLICATION);
    assertThat(classify(GPU_B, 13, T0.plusSeconds(1)).faultClass())
        .isEqualTo(FaultClass.APPLICATION);
    assertThat(classify(GPU_A, 13, T0.plusSeconds(60)).faultClass())
        .isEqualTo(FaultClass.APPLICATION);
    XidClassifier.Verdict third = classify(GPU_A, 13, T0.plusSeconds(120));
    assertThat(third.faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(third.reason()).contains("3 times");
  }

  @Test
  void repeatsSpreadBeyondTheWindowDoNot() {
    for (int i = 0; i < 5; i++) {
      assertThat(classify(GPU_A, 31, T0.plus(Duration.ofMinutes(6L * i))).faultClass())
          .isEqualTo(FaultClass.APPLICATION);
    }
  }

  @Test
  void repeatsAtDifferentSmLocationsAreDifferentBugs() {
    for (int sm = 0; sm < 4; sm++) {
      XidDetail d = new XidDetail(1, "p", null, null, "GPC 0, TPC 0, SM " + sm, null, null, null);
      assertThat(classify(GPU_A, 13, d, T0.plusSeconds(sm)).faultClass())
          .isEqualTo(FaultClass.APPLICATION);
    }
    XidDetail same = new XidDetail(1, "p", null, null, "GPC 0, TPC 0, SM 1", null, null, null);
    classify(GPU_A, 13, same, T0.plusSeconds(10));
    assertThat(classify(GPU_A, 13, same, T0.plusSeconds(11)).faultClass())
        .isEqualTo(FaultClass.GPU);
  }

  @Test
  void aXidCausedByAnotherDoesNotCountAsARepeat() {
    XidDetail secondary = new XidDetail(null, null, null, 48, null, null, null, null);
    for (int i = 0; i < 5; i++)
      assertThat(classify(GPU_A, 13, secondary, T0.plusSeconds(i)).faultClass())
          .isEqualTo(FaultClass.APPLICATION);
  }

  @Test
  void fortyFiveAloneRestartsTheFabricManagerAfterAnotherXidFollowsIt() {
    assertThat(classify(GPU_A, 45, T0).action()).contains("fabric manager");
    classify(GPU_B, 79, T0);
    XidClassifier.Verdict after = classify(GPU_B, 45, T0.plusSeconds(1));
    assertThat(after.faultClass()).isEqualTo(FaultClass.IGNORE);
    assertThat(after.action()).isEqualTo("follow Xid 79");
  }

  @Test
  void nvlink5FatalIsAGpuFaultNonfatalIsNot() {
    XidDetail fatal =
        new XidDetail(
            null,
            null,
            null,
            null,
            null,
            new NvLinkDetail("RLW", true, 0, 0, 1, List.of()),
            null,
            null);
    XidDetail nonfatal =
        new XidDetail(
            null,
            null,
            null,
            null,
            null,
            new NvLinkDetail("RLW", false, 0, 0, 1, List.of()),
            null,
            null);
    assertThat(classify(GPU_A, 145, fatal, T0).faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(classify(GPU_A, 145, nonfatal, T0).faultClass()).isEqualTo(FaultClass.IGNORE);
  }

  /** A kernel log line through the parser and the classifier, as the agent sees it. */
  XidClassifier.Verdict classifyLine(String line) {
    DriverFault fault = new KernelLogParser().acceptLine(line).getFirst();
    return classifier.classify(fault, history, T0).verdict();
  }

  /** Real lines (NVIDIA's open-gpu-kernel-modules and gpud issue threads). */
  @Test
  void xid154FollowsTheRecoveryTheDriverStates() {
    String head =
        "[ 1.0] NVRM: Xid (PCI:0000:2a:00): 154, GPU recovery action changed from 0x0 (None) to ";
    assertThat(classifyLine(head + "0x1 (GPU Reset Required)").faultClass())
        .isEqualTo(FaultClass.GPU);
    assertThat(classifyLine(head + "0x2 (Node Reboot Required)").faultClass())
        .isEqualTo(FaultClass.NODE);
    XidClassifier.Verdict drain = classifyLine(head + "0x4 (Drain and Reset)");
    assertThat(drain.faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(drain.action()).startsWith("drain");
    assertThat(drain.reason()).contains("Drain and Reset").contains("xids.tsv 154");
    assertThat(
            classifyLine(
                    "[ 1.0] NVRM: Xid (PCI:0000:2a:00): 154, GPU recovery action changed from 0x1 (GPU Reset Required) to 0x0 (None)")
                .faultClass())
        .isEqualTo(FaultClass.IGNORE);
  }

  @Test
  void xid154WithAnActionNotInTheCatalogOrNoneReadableIsSupport() {
    String head = "[ 1.0] NVRM: Xid (PCI:0000:2a:00): 154, GPU recovery action changed";
    assertThat(classifyLine(head + " from 0x0 (None) to 0x9 (Something New)").faultClass())
        .isEqualTo(FaultClass.SUPPORT);
    assertThat(classifyLine(head).faultClass()).isEqualTo(FaultClass.SUPPORT);
  }

  /** The lines of leptonai/gpud#1160 and #1174, decoded by NVIDIA's table, not the Fatal word. */
  @Test
  void nvlink5XidsAreDecodedByUnitIntrInfoAndErrorStatus() {
    // V2 (>= R575) SAW_MVB, error status 0x8: IGNORE (decode row 5)
    assertThat(
            classifyLine(
                    "NVRM: Xid (PCI:0000:01:00): 144, SAW_MVB Nonfatal XC0 i0 Link 0 (0x00000001 0x00000008 0x00000000 0x00000000 0x00000000 0x00000000)")
                .faultClass())
        .isEqualTo(FaultClass.IGNORE);
    // V1 NETIR_LINK_EVT, link-down reason 0b100101 (peer device): RESET_GPU
    XidClassifier.Verdict peer =
        classifyLine(
            "NVRM: Xid (PCI:0000:00:00): 149, NETIR_LINK_EVT Fatal XC0 i0 Link 00 (0x025001c6 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)");
    assertThat(peer.faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(peer.reason()).contains("decoded").contains("row ");
    // Fatal, yet reason 0b100110 is IGNORE in NVIDIA's table: no needless drain
    assertThat(
            classifyLine(
                    "NVRM: Xid (PCI:0000:00:00): 149, NETIR_LINK_EVT Fatal XC0 i0 Link 00 (0x026001c6 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)")
                .faultClass())
        .isEqualTo(FaultClass.IGNORE);
    assertThat(
            classifyLine(
                    "NVRM: Xid (PCI:0019:01:00): 149, NETIR Fatal XC0 i0 Link -1 (0x000fe406 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)")
                .faultClass())
        .isEqualTo(FaultClass.GPU);
    assertThat(
            classifyLine(
                    "NVRM: Xid (PCI:0018:01:00): 145, RLW_RXPIPE Nonfatal XC0 i0 Link 13 (0x0409a0c2 0x00000008 0x00000001 0x00000000 0x00100000 0x00000004)")
                .faultClass())
        .isEqualTo(FaultClass.IGNORE);
  }

  /** RLW_RXPIPE is promotable: with IntrInfo bit 10 set (V1) the catalog's Action 2 applies. */
  @Test
  void aPromotedNvlink5ErrorTakesTheCatalogsSecondAction() {
    String line =
        "NVRM: Xid (PCI:0018:01:00): 145, RLW_RXPIPE Nonfatal XC0 i0 Link 13 (0x%08x 0x00000001 0x0 0x0 0x0 0x0)";
    assertThat(classifyLine(line.formatted(0x0c2)).faultClass()).isEqualTo(FaultClass.IGNORE);
    assertThat(classifyLine(line.formatted(0x4c2)).faultClass()).isEqualTo(FaultClass.GPU);
  }

  @Test
  void anNvlink5ErrorOutsideTheDecodeTableFollowsItsSeverity() {
    String line =
        "NVRM: Xid (PCI:0000:01:00): 144, SAW_MVB %s XC0 i0 Link 0 (0x00000001 0x00000040 0x0 0x0 0x0 0x0)";
    XidClassifier.Verdict fatal = classifyLine(line.formatted("Fatal"));
    assertThat(fatal.faultClass()).isEqualTo(FaultClass.GPU);
    assertThat(fatal.reason()).contains("not in NVIDIA's decode table");
    assertThat(classifyLine(line.formatted("Nonfatal")).faultClass()).isEqualTo(FaultClass.IGNORE);
  }

  /**
   * Xid 74 as NVIDIA's NVLink workflow reads its registers (the line shape of AWS's and NVIDIA's
   * published examples): a GPU fault unless every set bit is one the workflow ignores.
   */
  @Test
  void xid74IsReadBitByBit() {
    String line =
        "Nov 02 11:20:31 n1 kernel: NVRM: Xid (PCI:0000:b9:00): 74, pid=<unknown>, name=<unknown>, NVLink: fatal error detected on link 6(%s)";
    // first register bit 16: possibly hardware, check the link
    assertThat(classifyLine(line.formatted("0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0")).faultClass())
        .isEqualTo(FaultClass.GPU);
    // first register bits 0 and 23, fifth register bit 20: ignore, continue
    XidClassifier.Verdict benign =
        classifyLine(line.formatted("0x800001, 0x0, 0x0, 0x0, 0x100000, 0x0, 0x0"));
    assertThat(benign.faultClass()).isEqualTo(FaultClass.IGNORE);
    assertThat(benign.reason()).contains("link 6").contains("WORKFLOW_NVLINK_ERR");
    // one bit the workflow does not ignore is enough
    assertThat(classifyLine(line.formatted("0x800003, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0")).faultClass())
        .isEqualTo(FaultClass.GPU);
    // no register read, or none set: the catalog's class
    assertThat(classifyLine(line.formatted("0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0")).faultClass())
        .isEqualTo(FaultClass.GPU);
    assertThat(
            classifyLine(
                    "[ 1.0] NVRM: Xid (PCI:0000:65:00): 74, pid=<n/a>, name=<unknown>, NVLink: fatal error detected on link 2")
                .faultClass())
        .isEqualTo(FaultClass.GPU);
  }

  @Test
  void aFatalSxidIsTheNodesANonFatalOneIsReportedOnly() {
    XidClassifier.Result fatal =
        classifier.classify(
            new KernelLogParser()
                .acceptLine(
                    "[ 1108.858286] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 sourcetrack timeout error (First)")
                .getFirst(),
            history,
            T0);
    assertThat(fatal.verdict().faultClass()).isEqualTo(FaultClass.NODE);
    assertThat(fatal.verdict().reason())
        .contains("NVSwitch 0000:c3:00.0 (nvidia-nvswitch0) SXid 24007 Fatal on link 28");
    // no GPU of the node is the switch: the finding is the node's
    assertThat(fatal.finding().signal()).isEqualTo(Signal.SXID);
    assertThat(fatal.finding().pci()).isNull();
    assertThat(fatal.finding().gpuUuid()).isNull();
    assertThat(fatal.history()).isEqualTo(history);
    assertThat(
            classifyLine(
                    "nvidia-nvswitch1: SXid (PCI:0000:06:00.0): 20009, Non-fatal, Link 04 RX Short Error Rate")
                .faultClass())
        .isEqualTo(FaultClass.IGNORE);
  }

  @Test
  void fallingOffTheBusWithoutXidIsANodeFault() {
    XidClassifier.Result r =
        classifier.classify(
            new DriverFault(
                DriverFault.Origin.KERNEL_LOG,
                null,
                null,
                GPU_A,
                null,
                null,
                XidDetail.NONE,
                "fallen off the bus"),
            history,
            T0);
    assertThat(r.verdict().faultClass()).isEqualTo(FaultClass.NODE);
    assertThat(r.finding().signal()).isEqualTo(Signal.FELL_OFF_THE_BUS);
  }

  @Test
  void unknownCodesAreSupport() {
    XidClassifier.Verdict v = classify(GPU_A, 777, T0);
    assertThat(v.faultClass()).isEqualTo(FaultClass.SUPPORT);
    assertThat(v.reason()).contains("not in the catalog");
  }

  @Test
  void policyOverridesWin() {
    XidClassifier lenient =
        new XidClassifier(
            XidCatalog.builtIn(),
            GpuHealthPolicy.defaults()
                .withXidOverrides(
                    Map.of(
                        109, FaultClass.IGNORE, 63, FaultClass.GPU, 13, FaultClass.APPLICATION)));
    XidHistory h = XidHistory.EMPTY;
    List<FaultClass> classes = new ArrayList<>();
    for (int code : new int[] {109, 63, 13, 13, 13}) {
      XidClassifier.Result r =
          lenient.classify(
              new DriverFault(
                  DriverFault.Origin.KERNEL_LOG, null, null, GPU_A, null, code, XidDetail.NONE, ""),
              h,
              T0);
      h = r.history();
      classes.add(r.verdict().faultClass());
    }
    assertThat(classes)
        .containsExactly(
            FaultClass.IGNORE,
            FaultClass.GPU,
            FaultClass.APPLICATION,
            FaultClass.APPLICATION,
            FaultClass.APPLICATION);
  }

  @Test
  void historyIsBounded() {
    for (int i = 0; i < 1000; i++) classify(GPU_A, 43, T0.plusMillis(i));
    assertThat(history.on(GPU_A.toString())).hasSize(XidHistory.MAX_PER_GPU);
  }

  @Test
  void historyForgetsTheQuietestGpusBeyondItsBound() {
    classify(GPU_A, 48, T0.plusSeconds(500)); // the newest of all, though classified first
    for (int bus = 1; bus <= 2 * XidHistory.MAX_GPUS; bus++)
      classify(new PciAddress(1, bus, 0, 0), 43, T0.plusSeconds(bus));
    assertThat(history.byGpu()).hasSize(XidHistory.MAX_GPUS);
    assertThat(history.on(GPU_A.toString())).isNotEmpty();
    assertThat(history.on(new PciAddress(1, 2 * XidHistory.MAX_GPUS, 0, 0).toString()))
        .isNotEmpty();
    assertThat(history.on(new PciAddress(1, 1, 0, 0).toString())).isEmpty();
  }
}

package dev.bosun.gpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.explain.Explain;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Bad input of every kind is counted and never a crash, never a false fault. */
class KernelLogProperties {

  /** Real and reference-shaped lines, each alone a fault (or a UUID line). */
  static final List<String> FAULT_LINES =
      List.of(
          "4,360,31307353,c;NVRM: Xid (PCI:0000:00:06): 31, pid=444, name=python3, channel 0x0000000a, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC0 GPCCLIENT_T1_6 faulted @ 0x0_00000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_WRITE",
          "[   36.445872] NVRM: Xid (PCI:0000:00:06): 43, pid=469, name=python3, channel 0x0000000a",
          "[ 5123.004211] NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.",
          "Nov 02 11:20:31 gpu-node-7 kernel: NVRM: Xid (PCI:0000:86:00): 13, pid=48211, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 1): Out Of Range Address",
          "6,20931,88412233412,-;NVRM: Xid (PCI:0000:18:00): 48, pid=1201, name=torchrun, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1a2b3c000 partition 3, subpartition 0.",
          "[ 99.100000] NVRM: Xid (PCI:0000:1b:00): 145, RLW_REMAP Fatal XC0 i0 Link 12 (0x00450000 0x00000000)",
          "NVRM: Xid (PCI:0000:07:00): 45, pid=9, name=python, Ch 00000008, Preemptive Cleanup, caused by previous Xid 48");

  @Provide
  Arbitrary<String> faultLines() {
    return Arbitraries.of(FAULT_LINES);
  }

  static List<DriverFault> faultsOf(String text) {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = new ArrayList<>();
    text.lines().forEach(l -> faults.addAll(parser.acceptLine(l)));
    return faults;
  }

  @Property(tries = 2000)
  void randomTextNeverThrowsAndIsNeverAFault(@ForAll String text) {
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = new ArrayList<>();
    long lines = text.lines().peek(l -> faults.addAll(parser.acceptLine(l))).count();
    assertThat(faults).isEmpty();
    assertThat(parser.counters().lines()).isEqualTo(lines);
    assertThat(parser.counters().faults()).isZero();
  }

  @Property(tries = 1000)
  void randomTextAfterAPlausiblePrefixIsNeverAFault(
      @ForAll("prefixes") String prefix, @ForAll String rest) {
    assertThat(faultsOf(prefix + rest.replace("\n", " ").replace("\r", " ")))
        .allSatisfy(f -> assertThat(f.text()).contains("Xid (").contains("): "));
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of(
        "6,1,0,-;",
        "[ 1.000000] ",
        "Nov 02 11:20:31 h kernel: ",
        "NVRM: ",
        "6,1,0,-;NVRM: Xid ",
        "[ 1.0] NVRM: Xid (PCI:",
        "NVRM: GPU at PCI:0000:18:00: ",
        "NVRM: The NVIDIA GPU ");
  }

  @Property(tries = 3000)
  void aLineCutAnywhereIsEitherNoFaultOrTheSameFault(
      @ForAll("faultLines") String line, @ForAll @IntRange(min = 0, max = 400) int cut) {
    String cutLine = line.substring(0, Math.min(cut, line.length()));
    DriverFault whole = faultsOf(line).getFirst();
    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = parser.acceptLine(cutLine);
    assertThat(faults)
        .allSatisfy(
            f -> {
              assertThat(f.xid()).isEqualTo(whole.xid());
              assertThat(f.pci()).isEqualTo(whole.pci());
            });
  }

  @Property(tries = 1000)
  void aCutUuidLineNeverGivesAWrongUuid(@ForAll @IntRange(min = 0, max = 90) int cut) {
    String uuidLine =
        "4,358,31307342,c;NVRM: GPU at PCI:0000:00:06: GPU-b14f29ef-62d4-ce9f-f7aa-d0ae390886a6";
    KernelLogParser parser = new KernelLogParser();
    parser.acceptLine(uuidLine.substring(0, Math.min(cut, uuidLine.length())));
    DriverFault f = parser.acceptLine(FAULT_LINES.getFirst()).getFirst();
    assertThat(f.uuid()).isIn(null, "GPU-b14f29ef-62d4-ce9f-f7aa-d0ae390886a6");
  }

  @Property(tries = 500)
  void binaryGarbageIsCountedNeverAFault(@ForAll @Size(max = 4096) byte[] bytes)
      throws IOException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    StringWriter out = new StringWriter();
    Explain.Summary s =
        Explain.run(new StringReader(text), out, XidClassifier.withDefaults(), Instant.EPOCH);
    assertThat(s.faults()).isZero();
    assertThat(out.toString()).isEmpty();
    boolean hasNonBlankLine = text.lines().anyMatch(l -> !l.isBlank());
    if (hasNonBlankLine) assertThat(s.unparsed()).isPositive();
  }

  @Property(tries = 300)
  void realFaultsSurviveGarbageAroundThem(
      @ForAll @Size(max = 30) List<@Size(max = 200) byte[]> garbage) {
    StringBuilder input = new StringBuilder();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < garbage.size(); i++) {
      String junk =
          new String(garbage.get(i), StandardCharsets.ISO_8859_1)
              .replace('\n', ' ')
              .replace('\r', ' ');
      input.append(junk).append('\n');
      String real = FAULT_LINES.get(i % FAULT_LINES.size());
      input.append(real).append('\n');
      expected.add(faultsOf(real).getFirst().xid());
    }
    assertThat(faultsOf(input.toString()))
        .extracting(DriverFault::xid)
        .containsExactlyElementsOf(expected);
  }

  @Property(tries = 50)
  void veryLongLinesAreCountedNotFaults(
      @ForAll @IntRange(min = KernelLogParser.MAX_LINE_CHARS, max = 300_000) int length)
      throws IOException {
    String line = FAULT_LINES.get(1) + " " + "y".repeat(length);
    Explain.Summary s =
        Explain.run(
            new StringReader(line + "\n" + FAULT_LINES.get(2) + "\n"),
            new StringWriter(),
            XidClassifier.withDefaults(),
            Instant.EPOCH);
    assertThat(s).isEqualTo(new Explain.Summary(2, 1, 1));
  }

  @Property(tries = 200)
  void theRealBootLogInAnyOrderHasNoFault(@ForAll("shuffledBootLog") List<String> lines) {
    assertThat(faultsOf(String.join("\n", lines))).isEmpty();
  }

  @Provide
  Arbitrary<List<String>> shuffledBootLog() {
    return Arbitraries.shuffle(Fixtures.h100("dmesg-nvidia.txt").lines().toList());
  }
}
